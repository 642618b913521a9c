using System.Diagnostics;
using MusicCluster.Music.Models;
using MusicCluster.Music.Runtime;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Tokens;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MusicCluster.Music.Training;

/// <summary>
/// Trains a <see cref="TransformerGenerator"/>: MLE pre-training (teacher forcing, AdamW, warm-up + cosine
/// schedule, gradient clipping), then WGAN-GP fine-tuning against a <see cref="TransformerCritic"/>.
///
/// Generator samples for the critic: the generator runs teacher-forced on a real window and a straight-through
/// Gumbel-softmax one-hot is drawn at every position, each given the real history before it. That is one
/// parallel forward pass instead of an autoregressive rollout of contextLength passes, and it stays
/// differentiable; the price is that the critic judges one-step-ahead samples (exposure bias is not trained
/// away). The MLE term in the generator's loss keeps it close to the data.
///
/// Determinism: before step s the process-wide libtorch generator (dropout) and the trainer's own generator
/// (Gumbel noise, gradient-penalty mixing) are seeded from (seed, s), and the data windows of step s are drawn
/// from (seed, s) too. A run resumed from a checkpoint after step s therefore repeats exactly what the
/// uninterrupted run did. Only one model may train per process at a time for that to hold (dropout draws from
/// the shared generator).
/// </summary>
public sealed partial class Trainer : IDisposable
{
    private readonly TrainingWindows windows;
    // For a generator with a melody encoder: the grid layout and each train sequence's own soprano as its melody.
    private readonly IGridTokenizer? melodyLayout;
    private readonly MelodyConditioning[]? trainMelodies;
    private readonly IReadOnlyList<int[]> validSequences;
    private readonly IReadOnlyList<int[]> trainSequences;
    private readonly DatasetReference? dataset;
    private readonly torch.Generator random = new(0);
    private readonly object rateLock = new();
    private double mlePeakRate, adversarialRate;
    private OptimizerHelper? mleOptimizer, adversarialOptimizer, criticOptimizer;
    private DataParallelGroup? inProcessGroup;
    // The group the running Run() leads (its outer momentum goes into checkpoints), and the momentum a resumed run starts from.
    private DataParallelGroup? runningGroup;
    private float[]? outerMomentum;
    private double? bestValidNll;
    private TrainingMetrics? lastMetrics;

    /// <summary>A new run: models initialised from the seed.</summary>
    public Trainer(RunConfig config, Vocabulary vocabulary, IReadOnlyList<int[]> train, IReadOnlyList<int[]> valid, DatasetReference? dataset = null)
        : this(config, vocabulary, train, valid, dataset, checkpoint: null, checkpointName: "")
    {
    }

    private Trainer(RunConfig config, Vocabulary vocabulary, IReadOnlyList<int[]> train, IReadOnlyList<int[]> valid, DatasetReference? dataset,
        ModelCheckpoint? checkpoint, string checkpointName)
    {
        Config = config.EnsureValid(vocabulary);
        Vocabulary = vocabulary;
        this.dataset = dataset;
        validSequences = valid;
        trainSequences = train;
        windows = new TrainingWindows(train, config.Model.ContextLength + 1, config.Seed);
        if (config.Model.HasMelodyEncoder)
        {
            melodyLayout = MelodyConditioning.LayoutOf(vocabulary);
            trainMelodies = train.Select(sequence => MelodyConditioning.FromSequence(melodyLayout, sequence)).ToArray();
        }
        mlePeakRate = config.LearningRate;
        adversarialRate = config.AdversarialLearningRate;
        if (checkpoint is null)
        {
            manual_seed(config.Seed);
            Generator = new TransformerGenerator(config.Model);
            manual_seed(config.Seed + 1);
            Critic = new TransformerCritic(config.CriticConfig);
            return;
        }
        if (checkpoint.Critic is null)
            throw new CheckpointFormatException(checkpointName, 0, $"it holds no '{ModelCheckpoint.CriticPart}' part (an exported model cannot resume training)");
        Generator = checkpoint.Generator;
        Critic = checkpoint.Critic;
        Step = checkpoint.Info.Step;
        bestValidNll = checkpoint.Info.BestValidNll;
        lastMetrics = checkpoint.Info.Metrics;
        outerMomentum = checkpoint.OuterMomentum;
        if (checkpoint.GeneratorOptimizerState is { } generatorState)
            ModelCheckpoint.LoadOptimizer(GeneratorOptimizerFor(LastUsefulStep), generatorState, checkpointName, ModelCheckpoint.GeneratorOptimizerPart);
        if (checkpoint.CriticOptimizerState is { } criticState)
            ModelCheckpoint.LoadOptimizer(CriticOptimizer(), criticState, checkpointName, ModelCheckpoint.CriticOptimizerPart);
    }

    /// <summary>
    /// Continues a run from a checkpoint. Its config is the checkpoint's; its vocabulary must be the data's
    /// (<see cref="CheckpointFormatException"/> otherwise). The trainer takes ownership of the checkpoint's models.
    /// </summary>
    /// <param name="mleSteps">
    /// A new length for the MLE schedule (warm-up and cosine decay end there), for a run that is still in it: a long
    /// schedule run in parts can be lengthened while it still pays, or shortened to end within the time there is.
    /// The cosine continues from the checkpoint's step on the new length; the checkpoints from here on record it.
    /// </param>
    public static Trainer Resume(ModelCheckpoint checkpoint, string checkpointName, Vocabulary vocabulary, IReadOnlyList<int[]> train, IReadOnlyList<int[]> valid,
        DatasetReference? dataset = null, int? mleSteps = null)
    {
        if (!checkpoint.Info.Vocabulary.SameTokens(vocabulary))
            throw new CheckpointFormatException(checkpointName, 0,
                $"it was trained on vocabulary {checkpoint.Info.Vocabulary.Version}, whose tokens are not those of the data's {vocabulary.Version}");
        RunConfig config = checkpoint.Info.RunConfig;
        if (mleSteps is int newLength && newLength != config.MleSteps)
        {
            if (checkpoint.Info.Step >= config.MleSteps)
                throw new ArgumentException($"mleSteps: the run finished its MLE schedule ({config.MleSteps} steps) at step {checkpoint.Info.Step}; it can no longer change");
            if (newLength <= checkpoint.Info.Step)
                throw new ArgumentException($"mleSteps: {newLength} is not after the checkpoint's step {checkpoint.Info.Step}");
            config = config with { MleSteps = newLength };
        }
        return new Trainer(config, vocabulary, train, valid, dataset, checkpoint, checkpointName);
    }

    /// <summary>
    /// A new run (step 0, fresh optimizers, the config's own warm-up and cosine schedule) whose models start from a
    /// trained checkpoint's weights instead of the seed: fine-tuning, or a second schedule for a run that finished its
    /// own while the validation curve was still falling (a warm restart). The config's model must be the
    /// checkpoint's; the checkpoint's tokens the data's (its vocabulary may be another serialization of them: a harmony
    /// run starts from the chorale grid model, whose embeddings already know the pitches). The trainer takes ownership
    /// of the checkpoint's models (a checkpoint without a critic part gets a new critic from the seed).
    /// </summary>
    public static Trainer StartFrom(ModelCheckpoint checkpoint, string checkpointName, RunConfig config, Vocabulary vocabulary,
        IReadOnlyList<int[]> train, IReadOnlyList<int[]> valid, DatasetReference? dataset = null)
    {
        if (!checkpoint.Info.Vocabulary.SameTokens(vocabulary))
            throw new CheckpointFormatException(checkpointName, 0,
                $"it was trained on vocabulary {checkpoint.Info.Vocabulary.Version}, whose tokens are not those of the data's {vocabulary.Version}");
        var from = checkpoint.Info.RunConfig.Model;
        bool addsEncoder = config.Model.HasMelodyEncoder && !from.HasMelodyEncoder && from == config.Model with { MelodyEncoderLayers = from.MelodyEncoderLayers };
        if (from != config.Model && !addsEncoder)
            throw new ArgumentException($"model: the config's model ({config.Model}) is not the checkpoint's ({from}); "
                + "a run can start from a checkpoint of the same architecture only (or add a melody encoder to it)");
        var trainer = new Trainer(config, vocabulary, train, valid, dataset);
        if (addsEncoder)
        {
            // The new encoder (from the seed, its output projection at zero) on the checkpoint's generator: the model
            // starts out computing what the checkpoint computes.
            trainer.Generator.CopyWeightsFrom(checkpoint.Generator);
            checkpoint.Generator.Dispose();
        }
        else
        {
            trainer.Generator.Dispose();
            trainer.Generator = checkpoint.Generator;
        }
        if (checkpoint.Critic is { } critic && checkpoint.Info.RunConfig.CriticConfig == config.CriticConfig)
        {
            trainer.Critic.Dispose();
            trainer.Critic = critic;
        }
        else checkpoint.Critic?.Dispose();
        return trainer;
    }

    public RunConfig Config { get; }
    public Vocabulary Vocabulary { get; }
    public TransformerGenerator Generator { get; private set; }
    public TransformerCritic Critic { get; private set; }

    /// <summary>Steps completed (the next step's number).</summary>
    public long Step { get; private set; }

    /// <summary>The phase of the next step (of the last step once the run is complete).</summary>
    public TrainingPhase Phase => PhaseOf(LastUsefulStep);

    // The step whose optimizer a checkpoint holds: the next one, or the last one of a finished run.
    private long LastUsefulStep => Math.Min(Step, Config.TotalSteps - 1);

    /// <summary>Raised after every step, on the training thread.</summary>
    public event Action<TrainingMetrics>? StepCompleted;

    /// <summary>Human-readable progress lines (validation, checkpoints, phase changes), on the training thread.</summary>
    public event Action<string>? LogLine;

    public event Action<CheckpointRecord>? CheckpointSaved;

    /// <summary>
    /// The generator's learning rate in the current phase: the peak of the MLE schedule (the warm-up and cosine
    /// shape stay), or the constant adversarial rate. May be set from any thread; the next step uses it.
    /// </summary>
    public double LearningRate
    {
        get { lock (rateLock) return Phase == TrainingPhase.Mle ? mlePeakRate : adversarialRate; }
        set
        {
            if (!double.IsFinite(value) || value <= 0) throw new ArgumentOutOfRangeException(nameof(value), value, "a learning rate must be a positive number");
            lock (rateLock)
            {
                if (Phase == TrainingPhase.Mle) mlePeakRate = value;
                else adversarialRate = value;
            }
        }
    }

    /// <summary>
    /// Trains until the config's last step, <paramref name="maxSteps"/> more steps, <paramref name="maxDuration"/>,
    /// or cancellation, whichever comes first (a step in progress is finished). Validates every
    /// validateEvery steps and at the end; saves a checkpoint to <paramref name="store"/> (when given) every
    /// checkpointEvery steps, every checkpointMinutes, and at the end.
    /// </summary>
    /// <param name="group">
    /// For a run of more than one worker, the workers to train with (this trainer leads them); null: the run's workers
    /// in this process (<see cref="DataParallelGroup.InProcess"/>).
    /// </param>
    public TrainingResult Run(CheckpointStore? store = null, string modelId = "model", long? maxSteps = null, TimeSpan? maxDuration = null,
        CancellationToken cancellation = default, DataParallelGroup? group = null)
    {
        if (group is null && Config.Workers > 1 && Step < Config.TotalSteps)
        {
            group = inProcessGroup ??= DataParallelGroup.InProcess(this);
        }
        if (group is not null) group.LogLine += RaiseLog;
        runningGroup = group;
        try
        {
            return RunSteps(store, modelId, maxSteps, maxDuration, cancellation, group);
        }
        finally
        {
            if (group is not null)
            {
                group.LogLine -= RaiseLog;
                outerMomentum = group.OuterMomentum ?? outerMomentum;
            }
            runningGroup = null;
        }
    }

    private void RaiseLog(string line) => LogLine?.Invoke(line);

    private TrainingResult RunSteps(CheckpointStore? store, string modelId, long? maxSteps, TimeSpan? maxDuration,
        CancellationToken cancellation, DataParallelGroup? group)
    {
        long stopAt = Math.Min(Config.TotalSteps, maxSteps is long more ? Step + Math.Max(0, more) : long.MaxValue);
        var clock = Stopwatch.StartNew();
        var sinceCheckpoint = Stopwatch.StartNew();
        var checkpoints = new List<CheckpointRecord>();
        var history = new List<TrainingMetrics>();
        double? lastValid = null;
        long validatedStep = -1;
        long savedStep = Step; // nothing new to save until a step is trained
        TrainingStop stop = TrainingStop.Finished;
        Generator.train();
        Critic.train();

        while (true)
        {
            if (Step >= Config.TotalSteps) { stop = TrainingStop.Finished; break; }
            if (Step >= stopAt) { stop = TrainingStop.StepLimit; break; }
            if (cancellation.IsCancellationRequested) { stop = TrainingStop.Cancelled; break; }
            if (maxDuration is { } limit && clock.Elapsed >= limit) { stop = TrainingStop.TimeLimit; break; }

            if (Step == Config.MleSteps && Config.AdversarialSteps > 0 && Step > 0) LogLine?.Invoke($"step {Step}: MLE pre-training done, adversarial fine-tuning begins");
            long before = Step;
            IReadOnlyList<TrainingMetrics> trained = group is null ? [TrainStep()] : group.Train(this, stopAt - Step, cancellation);
            Step += trained.Count;
            var metrics = trained[^1];
            bool last = Step >= Config.TotalSteps;
            if (validSequences.Count > 0 && (Crossed(before, Step, Config.ValidateEvery) || last))
            {
                double nll = ValidNll();
                lastValid = nll;
                validatedStep = Step;
                bestValidNll = Math.Min(bestValidNll ?? double.PositiveInfinity, nll);
                metrics = metrics with { ValidNll = nll };
                LogLine?.Invoke($"step {Step} ({clock.Elapsed.TotalMinutes:F1} min): valid NLL {nll:F4} nats/token");
                // The critic only learns in the adversarial phase; before it, its AUC would measure an untrained critic.
                if (metrics.Phase == TrainingPhase.Adversarial && ValidationCriticAuc.Compute(Generator, Critic, validSequences, Config.Seed) is { } auc)
                {
                    metrics = metrics with { CriticAuc = auc };
                    LogLine?.Invoke($"step {Step}: critic AUC valid real vs generated {auc:F3}");
                }
            }
            lastMetrics = metrics;
            foreach (var stepMetrics in trained.Take(trained.Count - 1).Append(metrics))
            {
                history.Add(stepMetrics);
                StepCompleted?.Invoke(stepMetrics);
            }

            bool dueBySteps = Crossed(before, Step, Config.CheckpointEvery);
            bool dueByTime = Config.CheckpointMinutes > 0 && sinceCheckpoint.Elapsed.TotalMinutes >= Config.CheckpointMinutes;
            if (store is not null && (dueBySteps || dueByTime) && !last)
            {
                // Not cancellable: a stop requested while it is written must not lose it (stopping is pausing).
                checkpoints.Add(Save(store, modelId, CancellationToken.None));
                savedStep = Step;
                sinceCheckpoint.Restart();
            }
        }

        if (store is not null && savedStep != Step)
        {
            // The final checkpoint carries the validation of the weights it holds.
            if (validatedStep != Step && validSequences.Count > 0)
            {
                lastValid = ValidNll();
                bestValidNll = Math.Min(bestValidNll ?? double.PositiveInfinity, lastValid.Value);
                if (lastMetrics is not null) lastMetrics = lastMetrics with { ValidNll = lastValid };
                LogLine?.Invoke($"step {Step} ({clock.Elapsed.TotalMinutes:F1} min): valid NLL {lastValid:F4} nats/token");
            }
            // The final checkpoint is written even when the run was cancelled: stopping is pausing.
            checkpoints.Add(Save(store, modelId, CancellationToken.None));
        }
        return new TrainingResult(Step, stop, checkpoints, history, lastValid);
    }

    // Whether a multiple of every (> 0) lies in (before, after]: a local round advances many steps at once.
    private static bool Crossed(long before, long after, int every) => every > 0 && after / every > before / every;

    /// <summary>NLL per token (nats) of the generator on the valid split (which must not be empty).</summary>
    public double ValidNll() => ValidationLoss.NllPerToken(Generator, validSequences, melodyLayout: melodyLayout);

    /// <summary>A checkpoint of the whole training state (models, optimizers, step, config, vocabulary, last metrics).</summary>
    public CheckpointArchive CreateCheckpoint() => ModelCheckpoint.Pack(new CheckpointInfo
    {
        RunConfig = Config with { LearningRate = mlePeakRate, AdversarialLearningRate = adversarialRate },
        Vocabulary = Vocabulary,
        Step = Step,
        Phase = Phase,
        Metrics = lastMetrics,
        BestValidNll = bestValidNll,
        Dataset = dataset,
    }, Generator, Critic, GeneratorOptimizerFor(LastUsefulStep), criticOptimizer, runningGroup?.OuterMomentum ?? outerMomentum);

    /// <summary>The outer optimizer's momentum this trainer resumed with (or its last run's): a group it leads starts from it.</summary>
    internal float[]? OuterMomentumState => outerMomentum;

    /// <summary>Checkpoint ids sort by step, so the newest is last by name.</summary>
    public static string CheckpointIdOf(long step) => $"step-{step:D9}";

    private CheckpointRecord Save(CheckpointStore store, string modelId, CancellationToken cancellation)
    {
        var record = store.SaveAsync(modelId, CheckpointIdOf(Step), CreateCheckpoint(), cancellation).GetAwaiter().GetResult();
        LogLine?.Invoke($"step {Step}: checkpoint {record.Blob} ({record.Length / 1024.0:F0} KiB)");
        CheckpointSaved?.Invoke(record);
        return record;
    }

    private TrainingPhase PhaseOf(long step) => step < Config.MleSteps ? TrainingPhase.Mle : TrainingPhase.Adversarial;

    private TrainingMetrics TrainStep()
    {
        long step = Step;
        // Everything random in step s depends on (seed, s) only: see the class comment.
        manual_seed(unchecked(Config.Seed * 1_000_003 + step));
        random.manual_seed(unchecked(Config.Seed * 7_919 + step * 104_729 + 17));
        var timer = Stopwatch.StartNew();
        var metrics = PhaseOf(step) == TrainingPhase.Mle ? MleStep(step) : AdversarialStep(step);
        double seconds = Math.Max(1e-9, timer.Elapsed.TotalSeconds);
        return metrics with { TokensPerSecond = Config.BatchSize * (double)Config.Model.ContextLength / seconds };
    }

    private TrainingMetrics MleStep(long step)
    {
        double rate;
        lock (rateLock) rate = (Config.MleSchedule() with { PeakRate = mlePeakRate }).RateAt(step);
        var optimizer = GeneratorOptimizerFor(step);
        SetRate(optimizer, rate);
        using var scope = NewDisposeScope();
        var (inputs, targets, melody) = MleBatch(step, draw: 0);
        optimizer.zero_grad();
        var loss = MleLoss(Generator.forward(inputs, melody), targets);
        loss.backward();
        ClipGenerator();
        optimizer.step();
        double value = loss.item<float>();
        return new TrainingMetrics { Step = step, Phase = TrainingPhase.Mle, MleLoss = value, GeneratorLoss = value, LearningRate = rate, TokensPerSecond = 0 };
    }

    private TrainingMetrics AdversarialStep(long step)
    {
        double rate;
        lock (rateLock) rate = adversarialRate;
        double progress = Config.AdversarialSteps <= 1 ? 1 : (double)(step - Config.MleSteps) / (Config.AdversarialSteps - 1);
        double temperature = GumbelSoftmax.Annealed(Config.GumbelTemperatureStart, Config.GumbelTemperatureEnd, progress);
        var critic = CriticOptimizer();
        SetRate(critic, Config.CriticLearningRate);

        double criticLoss = 0, wasserstein = 0, penalty = 0;
        for (int k = 0; k < Config.CriticSteps; k++)
        {
            using var scope = NewDisposeScope();
            var (_, realTargets, _) = Batch(step, draw: 1 + 2 * k);
            var real = Critic.OneHot(realTargets);
            var (fakeInputs, _, fakeMelody) = Batch(step, draw: 2 + 2 * k);
            Tensor fake;
            using (no_grad()) fake = GumbelSoftmax.StraightThrough(Generator.forward(fakeInputs, fakeMelody), temperature, random);
            critic.zero_grad();
            var realScore = Critic.SequenceScores(real).mean();
            var fakeScore = Critic.SequenceScores(fake).mean();
            var gradientPenalty = Critic.GradientPenalty(real, fake, random: random);
            var loss = (fakeScore - realScore).Plus(gradientPenalty.Times(Config.GradientPenaltyWeight));
            loss.backward();
            critic.step();
            criticLoss += loss.item<float>();
            wasserstein += realScore.item<float>() - fakeScore.item<float>();
            penalty += gradientPenalty.item<float>();
        }

        var optimizer = GeneratorOptimizerFor(step);
        SetRate(optimizer, rate);
        using var generatorScope = NewDisposeScope();
        var (inputs, targets, melody) = MleBatch(step, draw: 0);
        optimizer.zero_grad();
        var logits = Generator.forward(inputs, melody);
        var mle = MleLoss(logits, targets);
        var samples = GumbelSoftmax.StraightThrough(logits, temperature, random);
        var adversarial = -Critic.SequenceScores(samples).mean();
        var generatorLoss = adversarial.Plus(mle.Times(Config.MleWeight));
        generatorLoss.backward();
        ClipGenerator();
        optimizer.step();
        int n = Config.CriticSteps;
        return new TrainingMetrics
        {
            Step = step,
            Phase = TrainingPhase.Adversarial,
            MleLoss = mle.item<float>(),
            GeneratorLoss = generatorLoss.item<float>(),
            CriticLoss = criticLoss / n,
            Wasserstein = wasserstein / n,
            GradientPenalty = penalty / n,
            GumbelTemperature = temperature,
            LearningRate = rate,
            TokensPerSecond = 0,
        };
    }

    /// <summary>
    /// Inputs [batch, context] and next-token targets [batch, context] of draw <paramref name="draw"/> of a step, and for
    /// a generator with a melody encoder the melody context of the inputs (each window's pieces' own sopranos).
    /// </summary>
    private (Tensor Inputs, Tensor Targets, Tensor? Melody) Batch(long step, int draw)
    {
        int[] starts = windows.Starts(step, draw, Config.BatchSize);
        return Batch(starts, windows.Tokens(starts));
    }

    private (Tensor Inputs, Tensor Targets, Tensor? Melody) Batch(int[] starts, long[] tokens)
    {
        int length = windows.WindowLength;
        var all = tensor(tokens, [starts.Length, length], dtype: int64, device: Generator.Device);
        return (all.narrow(1, 0, length - 1), all.narrow(1, 1, length - 1), MelodyContext(starts));
    }

    /// <summary>
    /// The MLE batch of a step: as <see cref="Batch(long, int)"/>, the targets that are melody cells ignored when the
    /// generator is given the melody (it is not asked to predict what it reads).
    /// </summary>
    private (Tensor Inputs, Tensor Targets, Tensor? Melody) MleBatch(long step, int draw) => MleBatch(windows.Starts(step, draw, Config.BatchSize));

    private (Tensor Inputs, Tensor Targets, Tensor? Melody) MleBatch(int[] starts)
    {
        long[] tokens = windows.Tokens(starts);
        var (inputs, targets, melody) = Batch(starts, tokens);
        if (melodyLayout is null) return (inputs, targets, melody);
        int length = windows.WindowLength, time = length - 1;
        var kept = new long[starts.Length * time];
        for (int row = 0; row < starts.Length; row++)
            for (int t = 0; t < time; t++)
                kept[row * time + t] = MelodyConditioning.IsMelodyCell(melodyLayout, windows.Locate(starts[row] + t + 1).Position)
                    ? Config.Model.PadTokenId ?? -100
                    : tokens[row * length + t + 1];
        return (inputs, tensor(kept, [starts.Length, time], dtype: int64, device: targets.device), melody);
    }

    private Tensor? MelodyContext(int[] starts)
    {
        if (trainMelodies is null) return null;
        int time = windows.WindowLength - 1;
        var local = new Dictionary<int, int>();
        var melodies = new List<MelodyConditioning>();
        var melodyOf = new int[starts.Length * time];
        var positionOf = new int[starts.Length * time];
        for (int row = 0; row < starts.Length; row++)
            for (int t = 0; t < time; t++)
            {
                var (sequence, position) = windows.Locate(starts[row] + t);
                if (!local.TryGetValue(sequence, out int index))
                {
                    index = local[sequence] = melodies.Count;
                    melodies.Add(trainMelodies[sequence]);
                }
                melodyOf[row * time + t] = index;
                positionOf[row * time + t] = position;
            }
        return MelodyConditioning.Context(Generator, melodies, melodyOf, positionOf, starts.Length, time);
    }

    private Tensor MleLoss(Tensor logits, Tensor targets) =>
        nn.functional.cross_entropy(logits.reshape(-1, Config.Model.VocabSize), targets.reshape(-1), ignore_index: Config.Model.PadTokenId ?? -100);

    private void ClipGenerator()
    {
        if (Config.GradientClip > 0) nn.utils.clip_grad_norm_(Generator.parameters(), Config.GradientClip);
    }

    private static void SetRate(OptimizerHelper optimizer, double rate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = rate;
    }

    /// <summary>The generator's optimizer of the phase of <paramref name="step"/>: AdamW for MLE, Adam with the WGAN betas when adversarial.</summary>
    private OptimizerHelper GeneratorOptimizerFor(long step)
    {
        if (PhaseOf(step) == TrainingPhase.Mle)
            return mleOptimizer ??= new ScalarSafeAdamW(Generator.parameters(), lr: Config.LearningRate, weightDecay: Config.WeightDecay);
        return adversarialOptimizer ??= new ScalarSafeAdam(Generator.parameters(), lr: Config.AdversarialLearningRate,
            beta1: Config.AdversarialBeta1, beta2: Config.AdversarialBeta2);
    }

    private OptimizerHelper CriticOptimizer() => criticOptimizer ??= new ScalarSafeAdam(Critic.parameters(), lr: Config.CriticLearningRate,
        beta1: Config.AdversarialBeta1, beta2: Config.AdversarialBeta2);

    public void Dispose()
    {
        inProcessGroup?.Dispose();
        mleOptimizer?.Dispose();
        adversarialOptimizer?.Dispose();
        criticOptimizer?.Dispose();
        Generator.Dispose();
        Critic.Dispose();
        random.Dispose();
    }
}

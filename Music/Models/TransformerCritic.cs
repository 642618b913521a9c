using MusicCluster.Music.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>
/// WGAN critic: a bidirectional pre-LN Transformer encoder with rotary positions over (soft) one-hot token
/// sequences [batch, time, vocab]. Embedding by a matrix product with the embedding weights (not a lookup) keeps
/// the score differentiable in its input, which the gradient penalty and Gumbel-softmax generator samples need.
/// <see cref="forward"/> gives a score per position [batch, time]; the score of a sequence, or of a window of it,
/// is the mean of its positions' scores, so all of them are on one scale.
/// </summary>
public sealed class TransformerCritic : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly Parameter tokenEmbedding;
    private readonly Dropout embeddingDropout;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm finalNorm;
    private readonly Linear scoreHead;

    public TransformerCritic(TransformerConfig config, Device? device = null) : base(nameof(TransformerCritic))
    {
        Config = config.EnsureValid();
        tokenEmbedding = new Parameter(empty(config.VocabSize, config.ModelWidth, dtype: float32));
        using (no_grad())
        {
            nn.init.normal_(tokenEmbedding, 0.0, 0.02);
        }
        embeddingDropout = nn.Dropout(config.Dropout);
        blocks = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(layer => new TransformerBlock(config, layer)).ToArray());
        finalNorm = nn.LayerNorm(config.ModelWidth, dtype: float32);
        scoreHead = nn.Linear(config.ModelWidth, 1, hasBias: true, dtype: float32);
        RegisterComponents();
        // No device named: the one ComputeDevices chooses (CUDA when libtorch sees a GPU); new modules start on the CPU.
        if ((device ?? ComputeDevices.Default) is { type: not DeviceType.CPU } target) this.to(target);
    }

    public TransformerConfig Config { get; }

    public Device Device => tokenEmbedding.device;

    /// <summary>
    /// Per-position scores [batch, time] for one-hot or soft one-hot input [batch, time, vocab] (float32).
    /// <paramref name="valid"/> [batch, time] (bool), when given, marks real positions: padding is not attended
    /// to; its scores are meaningless and <see cref="SequenceScores"/> leaves them out.
    /// </summary>
    public override Tensor forward(Tensor oneHot, Tensor? valid)
    {
        CheckInput(oneHot, valid);
        using var threads = Runtime.TorchThreads.ForPass(oneHot.size(0) * oneHot.size(1));
        using var scope = NewDisposeScope();
        long time = oneHot.size(1);
        var (cos, sin) = RotaryPositions.Tables(0, time, Config.HeadWidth, Config.RotaryBase, Device, tokenEmbedding.dtype);
        // Key padding mask [batch, 1, 1, time]: every query may look at every real position.
        var mask = valid?.unsqueeze(1).unsqueeze(1);
        // Outside no_grad() a caller may differentiate the gradient (WGAN-GP): use attention that supports that.
        var context = new AttentionContext(cos, sin, mask, Causal: false, Cache: null, TwiceDifferentiable: is_grad_enabled());
        var hidden = embeddingDropout.forward(oneHot.matmul(tokenEmbedding));
        foreach (var block in blocks) hidden = block.forward(hidden, context);
        var scores = scoreHead.forward(finalNorm.forward(hidden)).squeeze(-1);
        return scope.MoveToOuter(scores);
    }

    /// <summary>One score per sequence [batch]: the mean of its (valid) positions' scores.</summary>
    public Tensor SequenceScores(Tensor oneHot, Tensor? valid = null)
    {
        using var scope = NewDisposeScope();
        var positions = forward(oneHot, valid);
        if (valid is null) return scope.MoveToOuter(positions.mean([1L]));
        var weights = valid.to(positions.dtype);
        return scope.MoveToOuter((positions * weights).sum(1) / weights.sum(1));
    }

    /// <summary>
    /// WGAN-GP gradient penalty (Gulrajani et al. 2017): mean over sequences of (|d score / d x| - 1)^2 at random
    /// points x between real and generated one-hot batches [batch, time, vocab]. The result stays differentiable
    /// in the critic's weights, so it can be added to the critic's loss. <paramref name="random"/> draws the mix.
    /// </summary>
    public Tensor GradientPenalty(Tensor real, Tensor fake, Tensor? valid = null, torch.Generator? random = null)
    {
        if (!real.shape.SequenceEqual(fake.shape))
            throw new ArgumentException($"real [{string.Join(", ", real.shape)}] and fake [{string.Join(", ", fake.shape)}] batches differ in shape", nameof(fake));
        using var scope = NewDisposeScope();
        var mix = rand([real.size(0), 1, 1], dtype: real.dtype, device: real.device, generator: random);
        var between = (mix * real.detach()).Plus(mix.SubtractedFrom(1) * fake.detach()).requires_grad_();
        var scores = SequenceScores(between, valid);
        // create_graph to differentiate the gradient again; TorchSharp does not imply retain_graph from it.
        var gradient = torch.autograd.grad([scores.sum()], [between], create_graph: true, retain_graph: true)[0];
        var penalty = gradient.flatten(1).norm(1).Plus(-1).Power(2).mean();
        return scope.MoveToOuter(penalty);
    }

    /// <summary>One-hot float32 input [batch, time, vocab] on the critic's device for token ids [batch, time].</summary>
    public Tensor OneHot(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var encoded = nn.functional.one_hot(tokens.to(int64, Device), Config.VocabSize).to(float32);
        return scope.MoveToOuter(encoded);
    }

    /// <summary>
    /// Pools per-position scores [batch, time] (from <see cref="forward"/> over whole sequences) into per-window
    /// scores [batch, windows], each the mean over its positions. One pass scores every bar, but each bar's score
    /// also sees the music around it (the critic is bidirectional); <see cref="ScoreWindows"/> scores windows alone.
    /// </summary>
    public static Tensor PoolWindows(Tensor positionScores, IReadOnlyList<TokenWindow> windows)
    {
        if (positionScores.dim() != 2) throw new ArgumentException($"position scores must be [batch, time], got [{string.Join(", ", positionScores.shape)}]",
            nameof(positionScores));
        TokenWindow.CheckAll(windows, (int)positionScores.size(1), int.MaxValue);
        using var scope = NewDisposeScope();
        var pooled = windows.Select(w => positionScores.narrow(1, w.Start, w.Length).mean([1L])).ToArray();
        return scope.MoveToOuter(stack(pooled, dim: 1));
    }

    /// <summary>
    /// Scores each window of a token sequence as a sequence of its own (what a live meter shows for the last bars
    /// as notes arrive), running up to <paramref name="batchSize"/> windows per forward pass, padded to the longest.
    /// Inference: no gradient, dropout off. Returns one score per window, in order.
    /// </summary>
    public float[] ScoreWindows(IReadOnlyList<int> tokens, IReadOnlyList<TokenWindow> windows, int batchSize = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        TokenWindow.CheckAll(windows, tokens.Count, Config.ContextLength);
        for (int i = 0; i < tokens.Count; i++)
            if (tokens[i] < 0 || tokens[i] >= Config.VocabSize)
                throw new ArgumentException($"token {i} is {tokens[i]}, outside the vocabulary [0, {Config.VocabSize})", nameof(tokens));

        bool wasTraining = training;
        eval();
        try
        {
            using var noGradient = no_grad();
            var scores = new float[windows.Count];
            for (int first = 0; first < windows.Count; first += batchSize)
            {
                using var scope = NewDisposeScope();
                int count = Math.Min(batchSize, windows.Count - first);
                int longest = Enumerable.Range(first, count).Max(i => windows[i].Length);
                var ids = new long[count * longest];
                var real = new bool[count * longest];
                for (int row = 0; row < count; row++)
                {
                    var window = windows[first + row];
                    for (int t = 0; t < window.Length; t++)
                    {
                        ids[row * longest + t] = tokens[window.Start + t];
                        real[row * longest + t] = true;
                    }
                }
                var idTensor = tensor(ids, [count, longest], dtype: int64, device: Device);
                var validTensor = tensor(real, [count, longest], dtype: @bool, device: Device);
                var batchScores = SequenceScores(OneHot(idTensor), validTensor).to(float32).cpu();
                batchScores.data<float>().CopyTo(scores, first);
            }
            return scores;
        }
        finally
        {
            train(wasTraining);
        }
    }

    private void CheckInput(Tensor oneHot, Tensor? valid)
    {
        if (oneHot.dim() != 3 || oneHot.size(2) != Config.VocabSize)
            throw new ArgumentException($"critic input must be [batch, time, {Config.VocabSize}], got [{string.Join(", ", oneHot.shape)}]", nameof(oneHot));
        if (oneHot.dtype != ScalarType.Float32) throw new ArgumentException($"critic input must be float32, got {oneHot.dtype}", nameof(oneHot));
        if (oneHot.size(0) < 1 || oneHot.size(1) < 1) throw new ArgumentException("critic input must not be empty", nameof(oneHot));
        if (oneHot.size(1) > Config.ContextLength)
            throw new ArgumentException($"{oneHot.size(1)} positions exceed the critic's context length {Config.ContextLength}", nameof(oneHot));
        if (valid is null) return;
        if (valid.dtype != ScalarType.Bool || valid.dim() != 2 || valid.size(0) != oneHot.size(0) || valid.size(1) != oneHot.size(1))
            throw new ArgumentException($"valid mask must be bool [{oneHot.size(0)}, {oneHot.size(1)}], got {valid.dtype} [{string.Join(", ", valid.shape)}]", nameof(valid));
        using var scope = NewDisposeScope();
        if (valid.any(1).logical_not().any().item<bool>())
            throw new ArgumentException("every sequence needs at least one valid position", nameof(valid));
    }
}

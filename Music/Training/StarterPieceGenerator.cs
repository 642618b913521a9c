using System.Globalization;
using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Training;

/// <summary>How the starter library is generated: bars per piece, pieces per batch and the sampling settings.</summary>
public sealed record StarterPieceOptions
{
    public int Bars { get; init; } = 8;

    /// <summary>Pieces sampled together in one batch (one forward pass per position for all of them).</summary>
    public int BatchSize { get; init; } = 16;

    public double Temperature { get; init; } = PieceGeneration.DefaultTemperature;

    public double? TopP { get; init; } = 0.95;

    /// <summary>Critic-guided sampling: the best of this many continuations per bar (1 = plain batched sampling).</summary>
    public int Candidates { get; init; } = CriticGuidance.DefaultCandidates;

    /// <summary>The seed of the batch that starts with piece i is BaseSeed + i, so a library is reproducible.</summary>
    public long BaseSeed { get; init; } = 20_260_101;

    public void Validate()
    {
        if (Bars is < 1 or > 64) throw new ArgumentException($"bars: {Bars} is not 1 to 64");
        if (BatchSize is < 1 or > 256) throw new ArgumentException($"batch size: {BatchSize} is not 1 to 256");
        if (!(Temperature >= 0) || Temperature > 10) throw new ArgumentException($"temperature: {Temperature} is not 0 to 10");
        if (TopP is { } p && !(p > 0 && p <= 1)) throw new ArgumentException($"top-p: {p} is not in (0, 1]");
        CriticGuidance.CheckCandidates(Candidates);
    }
}

/// <summary>One generated starter piece, scored, with what made it.</summary>
public sealed record StarterPiece(
    int Index, string Id, string Title, Piece Piece, PieceScore Score, string ModelId, string CheckpointId, long Seed,
    IReadOnlyDictionary<string, string> Parameters, DateTimeOffset CreatedAt);

/// <summary>
/// Generates the pieces of the starter library with a loaded model (generator, critic and calibration): pieces
/// are sampled in batches under the grammar constraint, scored by the critic and titled. Piece i always gets the id
/// <see cref="IdOf"/>(i), so a seeding that is interrupted and run again never makes a piece twice.
/// Runs on the calling thread (a forward pass per token): callers keep it off request and grain threads.
/// </summary>
public sealed class StarterPieceGenerator
{
    public const string IdPrefix = "starter-";

    private readonly ScoringModel _model;
    private readonly StarterPieceOptions _options;
    private readonly TimeProvider _clock;
    private readonly ITokenizer _tokenizer;

    public StarterPieceGenerator(ScoringModel model, StarterPieceOptions? options = null, TimeProvider? clock = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        if (model.Generator is null) throw new ArgumentException($"model {model.ModelId}/{model.CheckpointId} has no generator, so it cannot generate", nameof(model));
        _options = options ?? new StarterPieceOptions();
        _options.Validate();
        _clock = clock ?? TimeProvider.System;
        _tokenizer = TokenizerFactory.FromVocabulary(model.Vocabulary);
    }

    public StarterPieceOptions Options => _options;

    public static string IdOf(int index) => IdPrefix + index.ToString("0000", CultureInfo.InvariantCulture);

    /// <summary>Generates the pieces with these indexes in batches of at most <see cref="StarterPieceOptions.BatchSize"/>, in order.</summary>
    public IEnumerable<StarterPiece> Generate(IReadOnlyList<int> indexes, CancellationToken cancellation = default)
    {
        for (int start = 0; start < indexes.Count; start += _options.BatchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            foreach (StarterPiece piece in GenerateBatch(indexes.Skip(start).Take(_options.BatchSize).ToList(), cancellation))
                yield return piece;
        }
    }

    /// <summary>One batch: every index of it sampled together.</summary>
    public IReadOnlyList<StarterPiece> GenerateBatch(IReadOnlyList<int> indexes, CancellationToken cancellation = default)
    {
        if (indexes.Count == 0) return [];
        long seed = _options.BaseSeed + indexes[0];
        var sampling = new SamplingOptions { Temperature = _options.Temperature, TopP = _options.TopP, Seed = seed };
        // Guided pieces are made one by one (their candidates are the batch), piece i from seed BaseSeed + i.
        var generated = _options.Candidates == 1
            ? PieceGeneration.GenerateBatch(_model.Generator!, _model.Vocabulary, _options.Bars, indexes.Count, sampling, cancellation)
            : indexes.Select(index => CriticGuidedGeneration.Generate(_model.Generator!, _model.Vocabulary, _model.Scorer.Windows, _options.Bars,
                _options.Candidates, sampling with { Seed = _options.BaseSeed + index }, cancellation: cancellation)).ToList();
        DateTimeOffset now = _clock.GetUtcNow();
        var pieces = new List<StarterPiece>(indexes.Count);
        for (int i = 0; i < indexes.Count; i++)
        {
            Piece piece = generated[i].Piece;
            // Score what a listener gets: the decoded piece, tokenized again as an uploaded file would be.
            PieceScore score = _model.Scorer.Score(_tokenizer.Encode(piece));
            var parameters = new Dictionary<string, string>
            {
                ["bars"] = _options.Bars.ToString(CultureInfo.InvariantCulture),
                ["temperature"] = _options.Temperature.ToString(CultureInfo.InvariantCulture),
                ["topP"] = _options.TopP?.ToString(CultureInfo.InvariantCulture) ?? "",
                ["candidates"] = _options.Candidates.ToString(CultureInfo.InvariantCulture),
                ["complete"] = generated[i].Complete ? "true" : "false",
                ["source"] = "starter library",
            };
            if (_options.Candidates == 1)
            {
                parameters["batchSize"] = indexes.Count.ToString(CultureInfo.InvariantCulture);
                // Sequence i of a batch draws from random stream i of the batch seed.
                parameters["batchSequence"] = i.ToString(CultureInfo.InvariantCulture);
            }
            long pieceSeed = _options.Candidates == 1 ? seed : _options.BaseSeed + indexes[i];
            pieces.Add(new StarterPiece(indexes[i], IdOf(indexes[i]), TitleOf(indexes[i], piece), piece, score, _model.ModelId, _model.CheckpointId,
                pieceSeed, parameters, now));
        }
        return pieces;
    }

    /// <summary>"Chorale study No. 12 in G major": the key the model wrote, else the one its notes suggest.</summary>
    public static string TitleOf(int index, Piece piece)
    {
        string number = (index + 1).ToString(CultureInfo.InvariantCulture);
        string? key = piece.KeySignatures.Count > 0 ? piece.KeySignatures[0].Name : KeyEstimator.Estimate(piece)?.Name;
        return key is null ? $"Chorale study No. {number}" : $"Chorale study No. {number} in {key}";
    }

}

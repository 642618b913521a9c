using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Training;

/// <summary>A generated piece, its tokens (primer included) and whether the grammar completed it (false: cut at the token limit).</summary>
public sealed record GeneratedPiece(Piece Piece, int[] Tokens, int PrimerTokens, bool Complete);

/// <summary>
/// Samples a piece of a given number of bars from a generator, in the vocabulary it was trained on, under the
/// tokenizer's grammar constraint so that every sampled sequence decodes.
/// </summary>
public static class PieceGeneration
{
    /// <summary>
    /// Most tokens per bar an event-token piece may use before it is cut: above what the grammar constraint allows
    /// in a 4/4 bar (16 positions x (position, tempo, key, 24 notes x 4 tokens) + bar and time signature).
    /// A four-part chorale bar takes about 100.
    /// </summary>
    public const int MaxEventTokensPerBar = 2048;

    /// <summary>
    /// The temperature the product samples at unless asked otherwise (generate, eval, harmonise, the API, the studio,
    /// the starter library): at 0.9 the chorale model's pieces keep to one key as Bach's do (scale consistency 0.92
    /// against 0.91 at 1.0) and form more triads and sevenths; measured in docs/generation.md. Grains.Interfaces holds
    /// the same value for requests (GenerationRequest.DefaultTemperature).
    /// </summary>
    public const double DefaultTemperature = 0.9;

    /// <param name="chorale">The rules of a grid (four-part chorale) model's cells; default: range and voice leading.</param>
    public static ITokenConstraint ConstraintFor(ITokenizer tokenizer, int bars, ChoraleRules? chorale = null) => tokenizer switch
    {
        EventTokenizer events => new EventGrammarConstraint(events.Table, bars),
        JsbGridTokenizer => new JsbGridConstraint(bars, chorale),
        _ => throw new ArgumentException($"no grammar constraint for tokenizer {tokenizer.Vocabulary.Kind}", nameof(tokenizer)),
    };

    /// <summary>
    /// The tokens a piece primes generation with: the start token, then the piece without its end. A grid model reads
    /// any piece as four voices (<see cref="ChoraleVoicing"/>), and refuses one the model cannot read at once (its start
    /// token and cells longer than <paramref name="contextLength"/>) or one that is not four voices; the ArgumentException
    /// says why. An event model's primer is encoded as it is.
    /// </summary>
    /// <param name="contextLength">The model's context length (tokens it reads at once).</param>
    public static int[] PrimerTokens(ITokenizer tokenizer, Piece? primer, int contextLength)
    {
        if (tokenizer is JsbGridTokenizer grid)
            return primer is null ? [JsbGridTokenizer.BeginId] : [JsbGridTokenizer.BeginId, .. grid.EncodeGrid(ChoraleVoicing.FromPiece(primer, MaxPrimerSteps(contextLength)))];
        if (primer is null) return [EventVocabulary.BeginId];
        int[] tokens = tokenizer.Encode(primer);
        int end = tokens.Length;
        while (end > 0 && tokens[end - 1] is EventVocabulary.EndId or EventVocabulary.PadId) end--;
        return tokens[..end];
    }

    /// <summary>Most 16th steps of a grid primer a model of <paramref name="contextLength"/> tokens reads at once, after its start token.</summary>
    public static int MaxPrimerSteps(int contextLength)
    {
        int steps = (contextLength - 1) / ChoraleGrid.Voices;
        return steps >= 1
            ? steps
            : throw new ArgumentException($"the model reads {contextLength} tokens at once, too few for its start " +
                $"token and one step of {ChoraleGrid.Voices} voices: it takes no primer");
    }

    public static GeneratedPiece Generate(TransformerGenerator model, Vocabulary vocabulary, int bars, SamplingOptions options, Piece? primer = null,
        Action<int>? onToken = null, CancellationToken cancellation = default)
    {
        var tokenizer = TokenizerFor(model, vocabulary, bars);
        int[] primerTokens = PrimerTokens(tokenizer, primer, model.Config.ContextLength);
        int limit = TokenLimit(tokenizer, bars);
        var sampled = Sampler.Sample(model, primerTokens, options with { MaxNewTokens = limit }, ConstraintFor(tokenizer, bars), onToken, cancellation);
        return Finished(tokenizer, sampled, primerTokens.Length);
    }

    /// <summary>Most new tokens a piece of <paramref name="bars"/> bars may take before it is cut.</summary>
    public static int TokenLimit(ITokenizer tokenizer, int bars) => tokenizer is JsbGridTokenizer
        ? (bars + 1) * JsbGridConstraint.StepsPerBar * ChoraleGrid.Voices
        : bars * MaxEventTokensPerBar;

    /// <summary>
    /// Samples <paramref name="count"/> pieces at once (one forward pass per position for all of them: much faster per
    /// piece than one at a time). Piece i draws from random stream i of the options' seed.
    /// </summary>
    public static IReadOnlyList<GeneratedPiece> GenerateBatch(TransformerGenerator model, Vocabulary vocabulary, int bars, int count, SamplingOptions options,
        CancellationToken cancellation = default, ChoraleRules? chorale = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var tokenizer = TokenizerFor(model, vocabulary, bars);
        int[] primer = PrimerTokens(tokenizer, null, model.Config.ContextLength);
        int limit = TokenLimit(tokenizer, bars);
        var primers = Enumerable.Repeat<IReadOnlyList<int>>(primer, count).ToList();
        var constraints = Enumerable.Range(0, count).Select(_ => (ITokenConstraint?)ConstraintFor(tokenizer, bars, chorale)).ToList();
        var sampled = Sampler.SampleBatch(model, primers, options with { MaxNewTokens = limit }, constraints, cancellation: cancellation);
        return sampled.Select(s => Finished(tokenizer, s, primer.Length)).ToList();
    }

    /// <summary>The tokenizer of <paramref name="vocabulary"/>, once the request is known to fit the model.</summary>
    internal static ITokenizer TokenizerFor(TransformerGenerator model, Vocabulary vocabulary, int bars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bars, 1);
        if (model.Config.VocabSize != vocabulary.Count)
            throw new ArgumentException($"the model has {model.Config.VocabSize} token ids but vocabulary {vocabulary.Version} has {vocabulary.Count}", nameof(vocabulary));
        return TokenizerFactory.FromVocabulary(vocabulary);
    }

    private static GeneratedPiece Finished(ITokenizer tokenizer, SampledSequence sampled, int primerTokens)
    {
        int[] tokens = sampled.Tokens.ToArray();
        return new GeneratedPiece(Decode(tokenizer, tokens), tokens, primerTokens, sampled.StopReason == StopReason.Complete);
    }

    /// <summary>Decodes a sampled sequence; one cut at the token limit loses its unfinished last event (or grid step).</summary>
    public static Piece Decode(ITokenizer tokenizer, int[] tokens)
    {
        if (tokenizer is JsbGridTokenizer grid)
        {
            int cells = tokens.Length - 1;
            return grid.Decode(tokens.AsSpan(1, cells - cells % ChoraleGrid.Voices));
        }
        // An event sequence cut inside a note needs at most three tokens dropped to end on a whole event.
        for (int drop = 0; ; drop++)
        {
            try
            {
                return tokenizer.Decode(tokens.AsSpan(0, tokens.Length - drop));
            }
            catch (TokenDecodeException) when (drop < 3 && tokens.Length - drop > 1)
            {
            }
        }
    }
}

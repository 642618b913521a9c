using System.Runtime.InteropServices;

namespace MusicCluster.Music.Models;

/// <summary>
/// One sequence being sampled, apart from the model: its tokens (primer first), its constraint, its own random
/// stream and why it stopped. <see cref="Sampler"/> keeps one per sequence of its batch; a batching inference
/// engine keeps one per session, so a session draws exactly what <see cref="Sampler.Sample"/> would for the same
/// logits and seed (stream 0).
/// </summary>
public sealed class SamplingSequence
{
    private readonly List<int> tokens;
    private readonly SamplingOptions options;
    private readonly ITokenConstraint? constraint;
    private readonly SeededRandom random;
    private readonly TokenChooser chooser;
    private readonly bool[] allowed;
    private readonly int index;

    /// <param name="stream">Which random stream of the seed to draw from: a batch's sequence index (0 for one sequence).</param>
    public SamplingSequence(IReadOnlyList<int> primer, SamplingOptions options, int vocabSize, ITokenConstraint? constraint = null, int stream = 0)
    {
        ArgumentNullException.ThrowIfNull(primer);
        ArgumentNullException.ThrowIfNull(options);
        if (primer.Count == 0) throw new ArgumentException("the primer is empty: it needs at least one token (e.g. the tokenizer's start token)", nameof(primer));
        tokens = primer.ToList();
        PrimerLength = primer.Count;
        this.options = options;
        this.constraint = constraint;
        index = stream;
        random = new SeededRandom(options.Seed, stream);
        chooser = new TokenChooser(options, vocabSize);
        allowed = new bool[vocabSize];
        if (options.MaxNewTokens == 0) Stopped = StopReason.MaxNewTokens;
    }

    public IReadOnlyList<int> Tokens => tokens;

    public int PrimerLength { get; }

    public int NewTokens => tokens.Count - PrimerLength;

    /// <summary>Why the sequence ended, or null while it goes on.</summary>
    public StopReason? Stopped { get; private set; }

    /// <summary>Draws the next token from the model's logits for this sequence (one row of vocabulary size), appends it and returns it.</summary>
    public int Append(ReadOnlySpan<float> logits)
    {
        if (Stopped is not null) throw new InvalidOperationException($"sequence {index} has already stopped ({Stopped})");
        var span = CollectionsMarshal.AsSpan(tokens);
        if (constraint is null) Array.Fill(allowed, true);
        else
        {
            Array.Clear(allowed);
            constraint.FillAllowed(span, allowed);
        }
        int token;
        try
        {
            token = chooser.Choose(logits, allowed, random);
        }
        catch (ArgumentException e)
        {
            throw new SamplingException($"sequence {index}, position {span.Length}: the model gave unusable logits ({e.Message})", index, span.Length);
        }
        if (token < 0)
            throw new SamplingException($"sequence {index}, position {span.Length}: the constraint allows no token", index, span.Length);

        tokens.Add(token);
        if (options.StopTokens.Contains(token)) Stopped = StopReason.StopToken;
        else if (constraint?.IsComplete(CollectionsMarshal.AsSpan(tokens)) == true) Stopped = StopReason.Complete;
        else if (NewTokens == options.MaxNewTokens) Stopped = StopReason.MaxNewTokens;
        return token;
    }

    public SampledSequence ToResult() => new(tokens.ToArray(), PrimerLength, Stopped ?? StopReason.MaxNewTokens);
}

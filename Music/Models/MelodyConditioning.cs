using MusicCluster.Music.Tokens;
using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>
/// What a model with a <see cref="MelodyEncoder"/> reads besides its tokens: the melody (the soprano cells of a chorale
/// grid, one token per 16th step, the whole piece) and, for every input position of the sequence (the start token at
/// 0), the step whose encoding is added there: the step of the cell that position predicts, so the alto of step t is
/// written with what the encoder read around t, the end of the melody included. Positions past the last cell use the
/// last step.
/// </summary>
public sealed record MelodyConditioning(int[] Melody, int[] StepOfInput)
{
    /// <summary>A melody to write under (sampling): <paramref name="melody"/> cell tokens, a sequence of <paramref name="positions"/> input positions in
    /// <paramref name="layout"/>.</summary>
    public static MelodyConditioning ForMelody(IGridTokenizer layout, IReadOnlyList<int> melody, int positions)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(melody);
        if (melody.Count == 0) throw new ArgumentException("the melody has no steps", nameof(melody));
        if (melody.Count > TransformerConfig.MaxMelodySteps)
            throw new ArgumentException($"the melody has {melody.Count} steps; a melody encoder reads at most {TransformerConfig.MaxMelodySteps}", nameof(melody));
        var steps = new int[Math.Max(1, positions)];
        for (int position = 0; position < steps.Length; position++)
            steps[position] = Math.Clamp(layout.CellAt(position).Step, 0, melody.Count - 1);
        return new MelodyConditioning(melody.ToArray(), steps);
    }

    /// <summary>A whole grid sequence (start token first) read with its own soprano as the melody: training and NLL.</summary>
    public static MelodyConditioning FromSequence(IGridTokenizer layout, IReadOnlyList<int> sequence)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(sequence);
        int cells = sequence.Count - 1, steps = 0;
        while (steps < TransformerConfig.MaxMelodySteps && layout.CellsThrough(steps + 1) <= cells) steps++;
        if (steps == 0) throw new ArgumentException($"a sequence of {cells} cells holds no whole step: nothing to read a melody from", nameof(sequence));
        var melody = new int[steps];
        for (int step = 0; step < steps; step++) melody[step] = sequence[1 + layout.IndexOf(step, 0)];
        return ForMelody(layout, melody, sequence.Count);
    }

    /// <summary>The grid layout whose soprano a melody-encoder model of <paramref name="vocabulary"/> reads; throws for other vocabularies.</summary>
    public static IGridTokenizer LayoutOf(Vocabulary vocabulary) =>
        TokenizerFactory.FromVocabulary(vocabulary) as IGridTokenizer
        ?? throw new ArgumentException($"a melody encoder reads the soprano of a chorale grid; vocabulary {vocabulary.Version} is not a grid serialization");

    /// <summary>Whether the token at <paramref name="position"/> of a sequence (start token at 0) is a melody cell: given to a melody-encoder model, never predicted by
    /// it.</summary>
    public static bool IsMelodyCell(IGridTokenizer layout, int position) => position >= 1 && layout.CellAt(position - 1).Voice == 0;

    /// <summary>
    /// The melody context [rows, time, width] of a batch: position t of row r reads melody <c>melodyOf[r * time + t]</c>
    /// (an index into <paramref name="melodies"/>) at input position <c>positionOf[r * time + t]</c>. Each distinct melody
    /// is encoded once, on its own.
    /// </summary>
    public static Tensor Context(TransformerGenerator model, IReadOnlyList<MelodyConditioning> melodies, int[] melodyOf, int[] positionOf, int rows, int time)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (melodyOf.Length != rows * time || positionOf.Length != rows * time)
            throw new ArgumentException($"give a melody and a position for each of {rows} x {time} positions");
        using var scope = NewDisposeScope();
        var device = model.Device;
        // One melody at a time: melodies of a batch differ in length several-fold, and padding them to the longest
        // would spend most of the encoder's work (quadratic in length) on padding.
        var offsets = new long[melodies.Count];
        var encodings = new Tensor[melodies.Count];
        long total = 0;
        for (int m = 0; m < melodies.Count; m++)
        {
            encodings[m] = melodies[m].EncodeWith(model);
            offsets[m] = total;
            total += melodies[m].Melody.Length;
        }
        var encoded = cat(encodings, 0);
        var rowOf = new long[rows * time];
        for (int i = 0; i < rowOf.Length; i++)
        {
            var melody = melodies[melodyOf[i]];
            rowOf[i] = offsets[melodyOf[i]] + melody.StepOfInput[Math.Min(positionOf[i], melody.StepOfInput.Length - 1)];
        }
        var context = encoded.index_select(0, tensor(rowOf, dtype: int64, device: device));
        return scope.MoveToOuter(context.view(rows, time, model.Config.ModelWidth));
    }

    /// <summary>
    /// The melody context [rows, time, width] of windows of whole sequences: row r reads <paramref name="rowMelodies"/>[r]
    /// at input positions <paramref name="rowStarts"/>[r] onwards (positions past a row's end are padding, read at the last step).
    /// </summary>
    public static Tensor WindowsContext(TransformerGenerator model, IReadOnlyList<MelodyConditioning> rowMelodies, IReadOnlyList<int> rowStarts, int time)
    {
        int rows = rowMelodies.Count;
        var melodyOf = new int[rows * time];
        var positionOf = new int[rows * time];
        for (int row = 0; row < rows; row++)
            for (int t = 0; t < time; t++)
            {
                melodyOf[row * time + t] = row;
                positionOf[row * time + t] = rowStarts[row] + t;
            }
        return Context(model, rowMelodies, melodyOf, positionOf, rows, time);
    }

    /// <summary>The context [1, count, width] of input positions from..from+count of this melody's sequence, from its encoding [steps, width].</summary>
    public Tensor Window(Tensor encoded, long from, int count)
    {
        using var scope = NewDisposeScope();
        var rows = new long[count];
        for (int i = 0; i < count; i++) rows[i] = StepOfInput[Math.Min(from + i, StepOfInput.Length - 1)];
        var window = encoded.index_select(0, tensor(rows, dtype: int64, device: encoded.device)).unsqueeze(0);
        return scope.MoveToOuter(window);
    }

    /// <summary>This melody read by <paramref name="model"/>'s encoder for sampling (no gradient): [steps, width].</summary>
    public Tensor Encode(TransformerGenerator model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var noGradient = no_grad();
        return EncodeWith(model);
    }

    private Tensor EncodeWith(TransformerGenerator model)
    {
        using var scope = NewDisposeScope();
        var ids = tensor(Melody.Select(t => (long)t).ToArray(), [1, Melody.Length], dtype: int64, device: model.Device);
        return scope.MoveToOuter(model.EncodeMelody(ids).squeeze(0));
    }
}

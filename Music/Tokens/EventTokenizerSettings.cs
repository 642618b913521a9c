namespace MusicCluster.Music.Tokens;

/// <summary>
/// The grid of the event tokenizer. <see cref="StepsPerQuarter"/> 4 is a 1/16 grid, 12 a 1/48 grid that also holds
/// triplets. Decoded pieces use <see cref="TicksPerQuarter"/>.
/// </summary>
public sealed record EventTokenizerSettings(int StepsPerQuarter = 4, int TicksPerQuarter = 480)
{
    public static EventTokenizerSettings Sixteenths { get; } = new(4);

    public static EventTokenizerSettings FortyEighths { get; } = new(12);

    public int TicksPerStep => TicksPerQuarter / StepsPerQuarter;

    /// <summary>Throws when the grid cannot be tokenized: steps must be a multiple of 4 (so every supported time
    /// signature fills whole steps) and divide the ticks per quarter.</summary>
    public void Validate()
    {
        if (StepsPerQuarter < 4 || StepsPerQuarter > 48 || StepsPerQuarter % 4 != 0)
            throw new ArgumentOutOfRangeException(nameof(StepsPerQuarter), StepsPerQuarter, "Steps per quarter must be a multiple of 4 from 4 to 48");
        if (TicksPerQuarter <= 0 || TicksPerQuarter % StepsPerQuarter != 0)
            throw new ArgumentOutOfRangeException(nameof(TicksPerQuarter), TicksPerQuarter,
                $"Ticks per quarter must be a positive multiple of steps per quarter ({StepsPerQuarter})");
    }
}

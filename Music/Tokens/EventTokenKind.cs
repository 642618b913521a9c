namespace MusicCluster.Music.Tokens;

/// <summary>What an event token means; its value (bar position, pitch...) is kept beside it in <see cref="EventVocabulary"/>.</summary>
public enum EventTokenKind : byte
{
    Pad,
    Begin,
    End,
    Bar,
    TimeSignature,
    Position,
    Tempo,
    Key,
    Track,
    Program,
    Channel,
    Pitch,
    Velocity,
    Duration,
}

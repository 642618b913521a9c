namespace MusicCluster.Music.Data;

/// <summary>The styles of the synthetic corpus, told apart by meter and texture.</summary>
public enum SyntheticStyle
{
    /// <summary>4/4, four voices (soprano, alto, tenor, bass: tracks 0-3), one chord per beat.</summary>
    Chorale,

    /// <summary>4/4, a melody (track 0) over an Alberti-bass piano accompaniment in eighths (track 1).</summary>
    MelodyWithAccompaniment,

    /// <summary>3/4, a melody (track 0) over an oom-pah-pah piano (track 1): bass on beat 1, chords on 2 and 3.</summary>
    Waltz,
}

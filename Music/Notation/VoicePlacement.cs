namespace MusicCluster.Music.Notation;

/// <summary>
/// How one voice is written in one bar of its staff: its MusicXML voice number, its staff (null on a one-staff part),
/// the staff's clef, and its place among the voices that sound in that bar of that staff (<see cref="Index"/> 0 is the
/// highest of <see cref="Sounding"/>). A voice alone on its staff is written plainly. Where several sound, engravers
/// keep them apart, and so does this: stems of the upper voice point up and of the lowest down (inner voices
/// alternate), the upper voice's rests sit high on the staff and the lowest voice's low, and inner voices' rests are
/// not printed, so rests never collide with each other.
/// </summary>
public sealed record VoicePlacement(int Voice, int? Staff, Clef Clef, int Index, int Sounding)
{
    /// <summary>How far from the middle line, in staff steps, the outer voices' rests sit: on the top or bottom line.</summary>
    public const int RestOffsetSteps = 4;

    private bool Shared => Sounding > 1;
    private bool Lowest => Index == Sounding - 1;

    /// <summary>"up", "down", or null to leave the stem to the renderer.</summary>
    public string? Stem => !Shared ? null : Lowest || Index % 2 == 1 ? "down" : "up";

    /// <summary>True for an inner voice of three or more, whose rests would have no free place on the staff.</summary>
    public bool HidesRests => Shared && Index > 0 && !Lowest;

    /// <summary>Where the voice's rests are drawn (display-step and display-octave, sounding pitch), or null for the renderer's default.</summary>
    public (char Step, int Octave)? RestPosition => !Shared || HidesRests
        ? null
        : ClefStaff.StepAndOctave(Clef.MiddleLine() + (Index == 0 ? RestOffsetSteps : -RestOffsetSteps));
}

using MusicCluster.Grains.Interfaces.Generation;

namespace MusicCluster.Grains.Generation;

/// <summary>Checks a generation request field by field; the first problem is an ArgumentException whose message starts with the field's JSON name.</summary>
public static class GenerationRequestValidator
{
    public const int MaxTitleLength = 200;
    public const double MaxTemperature = 10;
    public const int MaxPrimerBytes = 1 << 20;

    // C0 and C1 controls and DEL; a title is one line of text.
    private static readonly char[] ControlCharacters = Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c).ToArray();

    public static void Validate(GenerationRequest? request)
    {
        if (request is null) throw new ArgumentException("request: a generation request is required");
        bool rewriting = request.Harmonisation is not null || request.Regeneration is not null;
        if (!rewriting && request.Bars is < 1 or > GenerationRequest.MaxBars)
            throw new ArgumentException($"bars: must be from 1 to {GenerationRequest.MaxBars}, got {request.Bars}");
        if (!double.IsFinite(request.Temperature) || request.Temperature < 0 || request.Temperature > MaxTemperature)
            throw new ArgumentException($"temperature: must be from 0 (greedy) to {MaxTemperature}, got {request.Temperature}");
        if (request.TopK is int k && k < 1)
            throw new ArgumentException($"topK: must be at least 1, got {k}");
        if (request.TopP is double p && !(p > 0 && p <= 1))
            throw new ArgumentException($"topP: must be greater than 0 and at most 1, got {p}");
        if (request.Candidates is int candidates)
            Music.Training.CriticGuidance.CheckCandidates(candidates);
        if (request.Seed is long seed && seed < 0)
            throw new ArgumentException($"seed: must be 0 or more, got {seed}");
        if (request.PrimerPieceId is not null && request.PrimerMidi is not null)
            throw new ArgumentException("primerPieceId: give a library piece or an uploaded MIDI file as the primer, not both");
        if (request.PrimerPieceId is { } id && !Interfaces.Library.PieceIds.IsValid(id))
            throw new ArgumentException($"primerPieceId: '{id}' is not a piece id");
        if (request.PrimerMidi is { Length: 0 })
            throw new ArgumentException("primerMidi: the uploaded file is empty");
        if (request.PrimerMidi is { Length: > MaxPrimerBytes })
            throw new ArgumentException($"primerMidi: the file has {request.PrimerMidi.Length} bytes; a primer may have at most {MaxPrimerBytes}");
        if (request.Harmonisation is not null && request.Regeneration is not null)
            throw new ArgumentException("harmonisation: a session harmonises a melody or regenerates bars, not both");
        if (rewriting && (request.PrimerPieceId is not null || request.PrimerMidi is not null))
            throw new ArgumentException("primerPieceId: a harmonisation or regeneration takes no primer");
        if (request.Harmonisation is { } harmonisation) ValidateMelody(harmonisation);
        if (request.Regeneration is { } regeneration)
        {
            if (!Interfaces.Library.PieceIds.IsValid(regeneration.PieceId)) throw new ArgumentException($"pieceId: '{regeneration.PieceId}' is not a piece id");
            if (regeneration.Voices is { Count: > 4 }) throw new ArgumentException($"voices: at most 4 (soprano, alto, tenor, bass), got {regeneration.Voices.Count}");
        }
        if (request.Title is { Length: > MaxTitleLength })
            throw new ArgumentException($"title: at most {MaxTitleLength} characters, got {request.Title.Length}");
        if (request.Title is { } title && title.IndexOfAny(ControlCharacters) is int at and >= 0)
            throw new ArgumentException($"title: character {at} is the control character U+{(int)title[at]:X4}; a title is text to show");
    }

    /// <summary>Most quarter notes a melody given as a list may reach (the longest melody a harmonisation takes).</summary>
    public const double MaxMelodyQuarters = Music.Harmony.SopranoMelody.MaxBars * 4;

    private static void ValidateMelody(HarmonisationInput melody)
    {
        int given = (melody.MelodyMidi is null ? 0 : 1) + (melody.MelodyPieceId is null ? 0 : 1) + (melody.MelodyNotes is null ? 0 : 1);
        if (given != 1)
            throw new ArgumentException("melodyNotes: give the melody one way: melodyNotes (a list of notes), " +
                "melodyPieceId (a library piece's top voice) or melodyMidi (a MIDI file)");
        if (melody.MelodyPieceId is { } id && !Interfaces.Library.PieceIds.IsValid(id))
            throw new ArgumentException($"melodyPieceId: '{id}' is not a piece id");
        if (melody.MelodyMidi is { Length: 0 })
            throw new ArgumentException("melodyMidi: the uploaded file is empty");
        if (melody.MelodyMidi is { Length: > MaxPrimerBytes })
            throw new ArgumentException($"melodyMidi: the file has {melody.MelodyMidi.Length} bytes; a melody file may have at most {MaxPrimerBytes}");
        if (melody.MelodyNotes is not { } notes) return;
        if (notes.Count == 0) throw new ArgumentException("melodyNotes: the list holds no notes");
        if (notes.Count > HarmonisationInput.MaxMelodyNotes)
            throw new ArgumentException($"melodyNotes: {notes.Count} notes; a melody may have at most {HarmonisationInput.MaxMelodyNotes}");
        for (int i = 0; i < notes.Count; i++)
        {
            var note = notes[i];
            if (note is null) throw new ArgumentException($"melodyNotes[{i}]: a note is required");
            if (note.Pitch is < 0 or > 127) throw new ArgumentException($"melodyNotes[{i}].pitch: a MIDI pitch is 0-127, got {note.Pitch}");
            if (!double.IsFinite(note.Start) || note.Start < 0 || note.Start > MaxMelodyQuarters)
                throw new ArgumentException($"melodyNotes[{i}].start: quarter notes from 0 to {MaxMelodyQuarters}, got {note.Start}");
            if (!double.IsFinite(note.Duration) || note.Duration <= 0 || note.Start + note.Duration > MaxMelodyQuarters)
                throw new ArgumentException($"melodyNotes[{i}].duration: more than 0 quarter notes, ending by {MaxMelodyQuarters}, got {note.Duration}");
        }
    }
}

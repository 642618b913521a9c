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
        if (request.Bars is < 1 or > GenerationRequest.MaxBars)
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
        if (request.PrimerPieceId is { } id && !Library.PieceIds.IsValid(id))
            throw new ArgumentException($"primerPieceId: '{id}' is not a piece id");
        if (request.PrimerMidi is { Length: 0 })
            throw new ArgumentException("primerMidi: the uploaded file is empty");
        if (request.PrimerMidi is { Length: > MaxPrimerBytes })
            throw new ArgumentException($"primerMidi: the file has {request.PrimerMidi.Length} bytes; a primer may have at most {MaxPrimerBytes}");
        if (request.Title is { Length: > MaxTitleLength })
            throw new ArgumentException($"title: at most {MaxTitleLength} characters, got {request.Title.Length}");
        if (request.Title is { } title && title.IndexOfAny(ControlCharacters) is int at and >= 0)
            throw new ArgumentException($"title: character {at} is the control character U+{(int)title[at]:X4}; a title is text to show");
    }
}

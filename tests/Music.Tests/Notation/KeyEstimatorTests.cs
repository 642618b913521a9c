using System.Xml.Linq;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tests.Notation;

/// <summary>Pieces without a key signature are written in the key their notes suggest.</summary>
public sealed class KeyEstimatorTests
{
    /// <summary>A melody of quarter notes over a bass that ends on <paramref name="finalBass"/>.</summary>
    private static Piece Melody(int[] pitches, int finalBass)
    {
        var notes = pitches.Select((p, i) => new Note(p, i * 480L, 480, 80, 0)).ToList();
        notes.Add(new Note(finalBass, (pitches.Length - 1) * 480L, 480, 80, 1));
        return new Piece { Notes = notes };
    }

    [Fact]
    public void An_e_flat_major_tune_gets_three_flats_and_its_notes_are_spelled_with_flats()
    {
        // Eb F G Ab Bb C D Eb, ending on Eb in the bass.
        Piece piece = Melody([63, 65, 67, 68, 70, 72, 74, 75], finalBass: 51);
        Assert.Equal(new KeySignature(0, -3, false), KeyEstimator.Estimate(piece));

        XDocument xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(MusicXmlWriter.ToBytes(piece)));
        Assert.Equal("-3", xml.Descendants("fifths").First().Value);
        var steps = xml.Descendants("pitch").Select(p => p.Element("step")!.Value + (string?)p.Element("alter")).ToList();
        Assert.Contains("E-1", steps);
        Assert.Contains("A-1", steps);
        Assert.DoesNotContain(steps, s => s.EndsWith('1') && !s.EndsWith("-1")); // no sharps
    }

    [Fact]
    public void A_minor_with_its_raised_leading_tone_ending_on_a_is_a_minor()
    {
        // A B C D E F G# A, ending on A in the bass: the G# is outside every signature but A minor's scale.
        Assert.Equal(new KeySignature(0, 0, true), KeyEstimator.Estimate(Melody([69, 71, 72, 74, 76, 77, 80, 81], finalBass: 45)));
    }

    [Fact]
    public void A_tie_goes_to_fewer_accidentals_and_a_written_signature_wins()
    {
        // C E G fits C, G and F major alike: C major, no accidentals.
        Assert.Equal(new KeySignature(0, 0, false), KeyEstimator.Estimate(Melody([60, 64, 67, 72], finalBass: 48)));
        Assert.Null(KeyEstimator.Estimate(new Piece()));

        Piece written = Melody([63, 65, 67, 68, 70], finalBass: 51) with { KeySignatures = [new KeySignature(0, 2, false)] };
        XDocument xml = XDocument.Parse(System.Text.Encoding.UTF8.GetString(MusicXmlWriter.ToBytes(written)));
        Assert.Equal("2", xml.Descendants("fifths").First().Value);
    }
}

using System.Text;
using System.Xml;

namespace MusicCluster.Music.Notation;

/// <summary>
/// Text from users and MIDI files (titles, composers, track names) made writable as XML: characters XML 1.0 cannot
/// hold (control characters other than tab and line breaks, lone surrogates, U+FFFE/U+FFFF) are dropped, so one such
/// character in a title cannot make a piece's MusicXML or numbered notation fail forever.
/// </summary>
public static class XmlSafeText
{
    public static string? Clean(string? text)
    {
        if (text is null) return null;
        int i = 0;
        while (i < text.Length && IsXmlChar(text, i)) i += char.IsSurrogatePair(text, i) ? 2 : 1;
        if (i == text.Length) return text;
        var kept = new StringBuilder(text.Length);
        kept.Append(text, 0, i);
        while (i < text.Length)
        {
            int width = char.IsSurrogatePair(text, i) ? 2 : 1;
            if (IsXmlChar(text, i)) kept.Append(text, i, width);
            i += width;
        }
        return kept.ToString();
    }

    private static bool IsXmlChar(string text, int i) =>
        char.IsSurrogatePair(text, i) ? XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]) : XmlConvert.IsXmlChar(text[i]);
}

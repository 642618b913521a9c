using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Notation;

/// <summary>Page geometry of the jianpu SVG, in pixels.</summary>
public sealed record JianpuSvgOptions
{
    public double PageWidth { get; init; } = 1000;
    public double LeftMargin { get; init; } = 100;
    public double RightMargin { get; init; } = 20;
    public double RowHeight { get; init; } = 64;
    public double SystemGap { get; init; } = 30;
    public double FontSize { get; init; } = 18;
    /// <summary>Narrowest space between two symbols; a bar with short notes widens until they fit.</summary>
    public double MinimumCell { get; init; } = 15;
    public double PixelsPerUnit { get; init; } = 3.75;
}

/// <summary>
/// Writes numbered notation (jianpu) as SVG: a header with the title, key ("1=G") and time signature; one row per
/// part, or per voice of a part whose notes overlap (<see cref="JianpuLayout.Lines"/>), highest first; bars laid out in proportion to time so the rows line up,
/// wrapped into systems across the page. Symbols carry class names (jp-note, jp-rest, jp-dash, jp-underline,
/// jp-octave-dot, jp-augmentation-dot, jp-tie, jp-barline) and notes carry data-degree, data-accidental and
/// data-octave, so the page can style them and tests can read them.
/// </summary>
public static class JianpuSvgWriter
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The piece as numbered notation in SVG. <paramref name="cancellation"/> is checked bar by bar, so a render given
    /// up on stops within one bar's work (OperationCanceledException).</summary>
    public static XDocument ToDocument(Piece piece, JianpuSvgOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= new JianpuSvgOptions();
        NotationScore score = NotationScore.From(piece);
        cancellation.ThrowIfCancellationRequested();
        IReadOnlyList<JianpuLine> lines = JianpuLayout.Lines(score);
        var body = new List<XElement>();
        double headerHeight = 72;

        KeySignature firstKey = score.KeyAt(0);
        TimeSignature firstTime = score.Bars.Count > 0 ? score.Bars[0].TimeSignature : new TimeSignature(0, 4, 4);
        if (!string.IsNullOrWhiteSpace(score.Title))
            body.Add(Text(options.PageWidth / 2, 28, score.Title, "jp-title", options.FontSize + 4, "middle"));
        body.Add(Text(options.LeftMargin, 58, $"{JianpuDegree.KeyLabel(firstKey)}  {firstTime.Numerator}/{firstTime.Denominator}", "jp-header", options.FontSize - 2, "start"));
        if (score.Tempos.Count > 0)
            body.Add(Text(options.LeftMargin + 130, 58, $"♩={score.Tempos[0].Bpm.ToString("0.##", Invariant)}", "jp-tempo", options.FontSize - 2, "start"));

        // Bar widths: proportional to time, widened where symbols would crowd.
        var widths = score.Bars.Select(bar =>
        {
            cancellation.ThrowIfCancellationRequested();
            return BarWidth(bar, lines, options);
        }).ToList();
        var systems = new List<List<int>>();
        double usable = options.PageWidth - options.LeftMargin - options.RightMargin;
        foreach (NotatedBar bar in score.Bars)
        {
            if (systems.Count == 0 || systems[^1].Sum(i => widths[i]) + widths[bar.Index] > usable && systems[^1].Count > 0)
                systems.Add([]);
            systems[^1].Add(bar.Index);
        }

        double rows = Math.Max(1, lines.Count);
        double systemHeight = rows * options.RowHeight;
        double y = headerHeight;
        var lastNote = new (int System, double X, double Baseline)?[lines.Count];
        for (int s = 0; s < systems.Count; s++)
        {
            double top = y + 14;
            // Stretch a full system to the page width; the last one keeps its natural spacing.
            double natural = systems[s].Sum(i => widths[i]);
            double stretch = s < systems.Count - 1 ? usable / natural : 1;
            double x = options.LeftMargin;
            for (int l = 0; l < lines.Count; l++)
                body.Add(Text(8, top + l * options.RowHeight + options.RowHeight / 2 + 6, lines[l].Name, "jp-line-name", options.FontSize - 6, "start"));
            body.Add(Line(x, top, x, top + systemHeight, "jp-barline", 1));
            foreach (int barIndex in systems[s])
            {
                cancellation.ThrowIfCancellationRequested();
                NotatedBar bar = score.Bars[barIndex];
                double width = widths[barIndex] * stretch;
                double scale = (width - 2 * Padding(options)) / bar.Length;
                AddChangeMarks(body, score, bar, x, top, options);
                for (int l = 0; l < lines.Count; l++)
                {
                    double baseline = top + l * options.RowHeight + options.RowHeight / 2 + options.FontSize / 3;
                    foreach (JianpuGlyph glyph in lines[l].Bars[barIndex])
                    {
                        double left = x + Padding(options) + glyph.Offset * scale;
                        double center = left + options.MinimumCell / 2 - 2;
                        DrawGlyph(body, glyph, left, center, baseline, scale, bar, options);
                        if (glyph.Kind == JianpuGlyphKind.Note)
                        {
                            if (glyph.TiedFromPrevious && lastNote[l] is { } previous)
                            {
                                double fromX = previous.System == s ? previous.X : options.LeftMargin - 4;
                                body.Add(Tie(fromX, center, baseline - options.FontSize - 4));
                            }
                            lastNote[l] = (s, center, baseline);
                        }
                    }
                }
                x += width;
                bool last = barIndex == score.Bars.Count - 1;
                body.Add(Line(x, top, x, top + systemHeight, "jp-barline", 1));
                if (last) body.Add(Line(x + 4, top, x + 4, top + systemHeight, "jp-barline jp-final", 3));
            }
            y += systemHeight + options.SystemGap;
        }

        double height = Math.Ceiling(y + 10);
        var svg = new XElement(Svg + "svg",
            new XAttribute("width", Num(options.PageWidth)), new XAttribute("height", Num(height)),
            new XAttribute("viewBox", $"0 0 {Num(options.PageWidth)} {Num(height)}"),
            new XAttribute("font-family", "sans-serif"),
            new XElement(Svg + "title", string.IsNullOrWhiteSpace(score.Title) ? "Numbered notation" : score.Title),
            body);
        return new XDocument(new XDeclaration("1.0", "UTF-8", null), svg);
    }

    public static byte[] ToBytes(Piece piece, JianpuSvgOptions? options = null, CancellationToken cancellation = default)
    {
        XDocument document = ToDocument(piece, options, cancellation);
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
            document.Save(writer);
        return stream.ToArray();
    }

    private static double Padding(JianpuSvgOptions options) => options.MinimumCell / 2;

    private static double BarWidth(NotatedBar bar, IReadOnlyList<JianpuLine> lines, JianpuSvgOptions options)
    {
        double scale = options.PixelsPerUnit;
        foreach (JianpuLine line in lines)
        {
            var glyphs = line.Bars[bar.Index];
            for (int i = 0; i < glyphs.Count; i++)
            {
                long gap = (i + 1 < glyphs.Count ? glyphs[i + 1].Offset : bar.Length) - glyphs[i].Offset;
                if (gap > 0) scale = Math.Max(scale, options.MinimumCell / gap);
            }
        }
        return bar.Length * scale + 2 * Padding(options);
    }

    private static void AddChangeMarks(List<XElement> body, NotationScore score, NotatedBar bar, double x, double top, JianpuSvgOptions options)
    {
        if (bar.Index == 0) return;
        NotatedBar previous = score.Bars[bar.Index - 1];
        var marks = new List<string>();
        KeySignature key = score.KeyAt(bar.Start), previousKey = score.KeyAt(previous.Start);
        if (key.Sharps != previousKey.Sharps) marks.Add(JianpuDegree.KeyLabel(key));
        if (bar.TimeSignature.Numerator != previous.TimeSignature.Numerator || bar.TimeSignature.Denominator != previous.TimeSignature.Denominator)
            marks.Add($"{bar.TimeSignature.Numerator}/{bar.TimeSignature.Denominator}");
        foreach (var (_, bpm) in score.Tempos.Where(t => t.Start >= bar.Start && t.Start < bar.End && t.Start > 0))
            marks.Add($"♩={bpm.ToString("0.##", Invariant)}");
        if (marks.Count > 0) body.Add(Text(x + 4, top - 2, string.Join("  ", marks), "jp-change", options.FontSize - 6, "start"));
    }

    private static void DrawGlyph(List<XElement> body, JianpuGlyph glyph, double left, double center, double baseline, double scale, NotatedBar bar, JianpuSvgOptions options)
    {
        switch (glyph.Kind)
        {
            case JianpuGlyphKind.Dash:
                body.Add(Line(center - 5, baseline - options.FontSize / 3, center + 5, baseline - options.FontSize / 3, "jp-dash", 2));
                return;
            case JianpuGlyphKind.AugmentationDot:
                body.Add(Dot(center - 4, baseline - options.FontSize / 3, "jp-augmentation-dot"));
                return;
        }

        var digit = Text(center, baseline, glyph.Kind == JianpuGlyphKind.Rest ? "0" : glyph.Degree!.Degree.ToString(Invariant),
            glyph.Kind == JianpuGlyphKind.Rest ? "jp-rest" : "jp-note", options.FontSize, "middle");
        if (glyph.Degree is { } degree)
        {
            digit.Add(new XAttribute("data-degree", degree.Degree), new XAttribute("data-accidental", degree.Accidental),
                new XAttribute("data-octave", degree.Octave));
            if (degree.Accidental != 0)
                body.Add(Text(center - 8, baseline - options.FontSize / 2, degree.Accidental > 0 ? "♯" : "♭", "jp-accidental", options.FontSize - 6, "middle"));
            for (int i = 0; i < degree.Octave; i++)
                body.Add(Dot(center, baseline - options.FontSize - 1 - i * 5, "jp-octave-dot"));
            for (int i = 0; i < -degree.Octave; i++)
                body.Add(Dot(center, baseline + 5 + glyph.Underlines * 4 + i * 5, "jp-octave-dot"));
        }
        body.Add(digit);
        for (int d = 0; d < glyph.Dots; d++) body.Add(Dot(center + 8 + d * 5, baseline - options.FontSize / 3, "jp-augmentation-dot"));

        // Underlines run to the next symbol, so notes within a beat share one beam; a small gap closes each beat.
        long end = glyph.Offset + glyph.Duration;
        bool beatEnds = end % NotationScore.UnitsPerQuarter == 0 || end >= bar.Length;
        double right = left + glyph.Duration * scale - (beatEnds ? 3 : 0);
        for (int u = 0; u < glyph.Underlines; u++)
            body.Add(Line(left + 1, baseline + 3 + u * 4, Math.Max(left + options.MinimumCell - 4, right), baseline + 3 + u * 4, "jp-underline", 1.2));
    }

    private static XElement Text(double x, double y, string text, string cssClass, double size, string anchor) =>
        new(Svg + "text", new XAttribute("x", Num(x)), new XAttribute("y", Num(y)), new XAttribute("class", cssClass),
            new XAttribute("font-size", Num(size)), new XAttribute("text-anchor", anchor), text);

    private static XElement Line(double x1, double y1, double x2, double y2, string cssClass, double width) =>
        new(Svg + "line", new XAttribute("x1", Num(x1)), new XAttribute("y1", Num(y1)), new XAttribute("x2", Num(x2)),
            new XAttribute("y2", Num(y2)), new XAttribute("class", cssClass), new XAttribute("stroke", "black"), new XAttribute("stroke-width", Num(width)));

    private static XElement Dot(double x, double y, string cssClass) =>
        new(Svg + "circle", new XAttribute("cx", Num(x)), new XAttribute("cy", Num(y)), new XAttribute("r", "1.8"), new XAttribute("class", cssClass));

    private static XElement Tie(double fromX, double toX, double y) =>
        new(Svg + "path", new XAttribute("d", $"M {Num(fromX)} {Num(y)} Q {Num((fromX + toX) / 2)} {Num(y - 9)} {Num(toX)} {Num(y)}"),
            new XAttribute("class", "jp-tie"), new XAttribute("fill", "none"), new XAttribute("stroke", "black"));

    private static string Num(double value) => Math.Round(value, 2).ToString(Invariant);
}

using System.CommandLine;
using System.Text.Json;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;
using Spectre.Console;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `convert x.mid --to musicxml|wav|jianpu [--out file]`. Exit codes: 0 done, 2 bad request or unreadable input
/// (missing file, unknown format, bad MIDI), 1 any other failure (e.g. fluidsynth crashed).
/// </summary>
internal static class ConvertCommand
{
    public const int BadInput = 2;

    public sealed record Report(string Input, string Output, string Format, long Bytes, string? AudioEngine);

    /// <param name="readMidi">Reads a MIDI file into a Piece; null where this build has no MIDI reader.</param>
    /// <param name="encodeMidi">Writes a Piece as MIDI for fluidsynth; null renders WAV with the built-in synthesizer.</param>
    public static Command Create(Func<string, Piece>? readMidi, Func<Piece, byte[]>? encodeMidi)
    {
        var input = new Argument<string>("input") { Description = "The MIDI file to convert" };
        var to = new Option<string>("--to") { Description = $"Output format (required): {string.Join(", ", PieceConverter.FormatNames)}" };
        var output = new Option<string?>("--out") { Description = "Output file (default: next to the input, with .musicxml, .wav or .svg)" };
        var json = CommonOptions.Json();
        var command = new Command("convert", "Convert a MIDI file to MusicXML, WAV or jianpu (numbered notation) SVG") { input, to, output, json };
        command.SetAction(parse => Run(readMidi, encodeMidi, parse.GetValue(input)!, parse.GetValue(to), parse.GetValue(output), parse.GetValue(json)));
        return command;
    }

    private static int Run(Func<string, Piece>? readMidi, Func<Piece, byte[]>? encodeMidi, string input, string? format, string? output, bool json)
    {
        try
        {
            ConversionFormat target = PieceConverter.ParseFormat(format);
            var converter = new PieceConverter(readMidi ?? (_ => throw new NotSupportedException("this build of musiccluster has no MIDI reader wired in")), encodeMidi);
            // Rendering audio takes seconds: show a spinner, except when the output is JSON for a program to read.
            ConversionResult result = target == ConversionFormat.Wav && !json
                ? AnsiConsole.Status().Start("Rendering audio...", _ => converter.Convert(input, target, output))
                : converter.Convert(input, target, output);
            var report = new Report(result.InputPath, result.OutputPath, target.ToString().ToLowerInvariant(), result.Bytes, result.AudioEngine?.ToString());
            if (json) Console.WriteLine(JsonSerializer.Serialize(report, CliJson.Options));
            else AnsiConsole.MarkupLine($"[green]Wrote[/] {Markup.Escape(result.OutputPath)} ({result.Bytes:N0} bytes{(result.AudioEngine is { } engine ? $", {engine}" : "")})");
            return 0;
        }
        catch (ConversionException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or Music.Audio.AudioRenderException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}

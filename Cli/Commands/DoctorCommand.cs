using System.CommandLine;
using System.Text.Json;
using MusicCluster.Music.Audio;
using MusicCluster.Music.Runtime;
using MusicCluster.Music.Storage;
using Spectre.Console;

namespace MusicCluster.Cli.Commands;

/// <summary>`doctor`: checks the host. Exit code 0 only when TorchSharp loads and computes.</summary>
internal static class DoctorCommand
{
    public sealed record Report(bool TorchWorks, string? LibTorchVersion, int TorchThreads, string NativeFix, int CudaDevices,
        string? TorchError, bool FluidSynthInstalled, string? FluidSynthPath, string? SoundFont, string Storage, string OpenMpWaitPolicy, string TorchThreadsRule);

    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("doctor", "Check TorchSharp, the native fix, fluidsynth and the configured storage") { json };
        command.SetAction(parse => Run(parse.GetValue(json)));
        return command;
    }

    private static int Run(bool json)
    {
        TorchStatus torch = TorchRuntime.Probe();
        string? fluidSynth = FluidSynthLocator.FindExecutable();
        string storage;
        try { storage = BlobStoreSettings.FromEnvironment().Describe(); }
        catch (InvalidOperationException e) { storage = $"misconfigured: {e.Message}"; }
        var report = new Report(torch.Works, torch.LibTorchVersion, torch.Threads, torch.NativeFix, torch.CudaDevices, torch.Error,
            fluidSynth is not null, fluidSynth, FluidSynthLocator.FindSoundFont(), storage, OpenMpWaiting.Current,
            torch.Works ? TorchThreads.Describe() : "-");

        if (json)
            Console.WriteLine(JsonSerializer.Serialize(report, CliJson.Options));
        else
            Print(report);
        return torch.Works ? 0 : 1;
    }

    private static void Print(Report report)
    {
        var table = new Table().AddColumn("Check").AddColumn("Result");
        table.AddRow("TorchSharp", report.TorchWorks ? "[green]works[/]" : $"[red]fails[/]: {Markup.Escape(report.TorchError ?? "")}");
        table.AddRow("libtorch version", Markup.Escape(report.LibTorchVersion ?? "-"));
        table.AddRow("torch threads", Markup.Escape(report.TorchThreadsRule));
        table.AddRow("OpenMP wait policy", Markup.Escape(report.OpenMpWaitPolicy));
        table.AddRow("CUDA devices", report.CudaDevices.ToString());
        table.AddRow("GLIBCXX native fix", Markup.Escape(report.NativeFix));
        table.AddRow("fluidsynth", report.FluidSynthInstalled ? Markup.Escape(report.FluidSynthPath!) : "[yellow]not installed[/] (WAV uses the built-in synthesizer)");
        table.AddRow("soundfont", Markup.Escape(report.SoundFont ?? "none found"));
        table.AddRow("storage", Markup.Escape(report.Storage));
        AnsiConsole.Write(table);
    }
}

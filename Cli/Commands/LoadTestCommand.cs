using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `loadtest --url http://127.0.0.1:5000 [--seconds 20] [--concurrency 32] [--pid N] [--json]`: a bounded load test of a
/// running web host (<see cref="LoadTest"/>): throughput, p50/p99 latency, answers by status, the share of generation
/// requests refused with 429 and the server's memory when its process id is given. A measurement, not a benchmark of
/// the model. Exit codes: 0 no 5xx and no failed connection, 1 otherwise, 2 bad arguments or the host cannot be read.
/// </summary>
internal static class LoadTestCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The web host (e.g. http://127.0.0.1:5000)", Required = true };
        var seconds = new Option<double>("--seconds") { Description = "How long to send requests", DefaultValueFactory = _ => 20 };
        seconds.Validators.Add(r => { if (r.GetValueOrDefault<double>() is <= 0 or > 3600) r.AddError("--seconds must be above 0 and at most 3600"); });
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Clients sending at once (each sends its next request when the last is answered)",
            DefaultValueFactory = _ => 32
        };
        concurrency.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 4096) r.AddError("--concurrency must be from 1 to 4096"); });
        var pid = new Option<int?>("--pid") { Description = "Process id of the web host on this machine: its resident memory is sampled (Linux)" };
        var json = CommonOptions.Json();
        var command = new Command("loadtest", "Load a running web host: throughput, p50/p99 latency, share of 429s, 5xx, server memory") { url, seconds, concurrency, pid, json };
        command.SetAction(async (parse, cancellation) =>
        {
            TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            string text = parse.GetValue(url)!;
            if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? address) || address.Scheme is not ("http" or "https"))
            {
                await error.WriteLineAsync($"loadtest: --url '{text}' is not an http(s) address");
                return CliRunner.UsageError;
            }
            LoadTestReport report;
            try
            {
                report = await LoadTest.RunAsync(new LoadTestOptions(address, TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(concurrency), parse.GetValue(pid)),
                    cancellation);
            }
            catch (HttpRequestException e)
            {
                await error.WriteLineAsync($"loadtest: {address} cannot be read: {e.Message}");
                return CliRunner.UsageError;
            }
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(report, CliJson.Options));
            else await output.WriteLineAsync(Describe(report));
            return report.ServerErrors == 0 && report.TransportErrors == 0 ? 0 : 1;
        });
        return command;
    }

    private static string Describe(LoadTestReport r)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine(Invariant($"{r.Requests:N0} requests in {r.Seconds:0.0} s from {r.Concurrency} clients: ") +
            Invariant($"{r.RequestsPerSecond:N1}/s, p50 {r.P50Ms:N1} ms, p99 {r.P99Ms:N1} ms, max {r.MaxMs:N1} ms"));
        text.AppendLine("statuses: " + string.Join(", ", r.Statuses.Select(s => $"{s.Key} ×{s.Value}")));
        foreach (var (name, operation) in r.Operations)
            text.AppendLine(Invariant($"  {name,-9} {operation.Requests,7:N0}  p50 {operation.P50Ms,8:N1} ms  p99 {operation.P99Ms,8:N1} ms"));
        text.AppendLine(
            Invariant($"generations: {r.GenerationRequests:N0} asked, {r.GenerationsAccepted:N0} accepted, {r.GenerationsRefused429:N0} refused with 429 ({r.Share429:P1})"));
        text.AppendLine(Invariant($"5xx: {r.ServerErrors}, failed connections: {r.TransportErrors}"));
        if (r.RssStartMb is not null)
            text.Append(Invariant($"server memory (RSS): {r.RssStartMb:N0} MB at start, {r.RssPeakMb:N0} MB at peak, {r.RssEndMb:N0} MB at the end"));
        return text.ToString().TrimEnd();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

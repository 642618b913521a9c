using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;
using static MusicCluster.Client.Tests.LimitsFixture;

namespace MusicCluster.Client.Tests;

/// <summary>
/// Request bodies over an endpoint's limit are refused with 413 before they are read whole: a declared length at once,
/// without waiting for the body; a chunked body as soon as it passes the limit. Through Kestrel with real sockets;
/// the limits are configured small (<see cref="LimitsFixture"/>).
/// </summary>
[Collection(LimitsCollection.Name)]
public sealed class RequestBodyLimitTests(LimitsFixture fixture)
{
    /// <summary>Longest wait for an answer. A server that waits for the rest of a body never answers, and fails here.</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(20);

    public static TheoryData<string, string, int, string> Endpoints => new()
    {
        { "/api/score", "multipart/form-data; boundary=limit", ScoreUploadBytes, "ScoreUploadBytes" },
        { "/api/generations", "application/json", GenerationRequestBytes, "GenerationRequestBytes" },
        { "/api/harmonisations", "application/json", GenerationRequestBytes, "GenerationRequestBytes" },
        { "/api/pieces/no-such-piece/ratings", "application/json", RequestBytes, "RequestBytes" },
        { "/api/pieces/no-such-piece/regenerations", "application/json", RequestBytes, "RequestBytes" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_declared_length_over_the_limit_is_refused_at_once_without_waiting_for_the_body(string path, string contentType, int limit, string setting)
    {
        // Claims one byte more than the limit and sends 16: a server that read the body would wait for the rest.
        RawResponse response = await SendRawAsync(
            $"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {contentType}\r\nContent-Length: {limit + 1}\r\n\r\n", Encoding.ASCII.GetBytes("{\"bars\": 1,     "));
        AssertRefused(response, limit, setting);
        Assert.Contains($"declares {limit + 1:N0} bytes", response.Problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_declared_length_of_ten_gigabytes_is_refused_at_once()
    {
        RawResponse response = await SendRawAsync(
            "POST /api/score HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=limit\r\nContent-Length: 10000000000\r\n\r\n", "--limit\r\n"u8.ToArray());
        AssertRefused(response, ScoreUploadBytes, "ScoreUploadBytes");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_chunked_body_is_cut_off_at_the_limit(string path, string contentType, int limit, string setting)
    {
        // One chunk of one byte more than the limit, and no last chunk: a server that read the body whole would wait for
        // its end for ever; one that stops at the limit answers at once.
        byte[] chunk = Encoding.ASCII.GetBytes(new string(' ', limit + 1));
        byte[] body = [.. Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"), .. chunk, .. "\r\n"u8];
        RawResponse response = await SendRawAsync(
            $"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {contentType}\r\nTransfer-Encoding: chunked\r\n\r\n", body);
        AssertRefused(response, limit, setting);
        Assert.Contains($"goes on past {limit:N0} bytes", response.Problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_chunk_extension_that_never_ends_is_cut_off_too()
    {
        // Chunk framing carries no content, so the content count never grows; the server's own limit, which counts the
        // framing, stops it at twice the endpoint's limit.
        byte[] body = [.. "1;"u8, .. Encoding.ASCII.GetBytes(new string('e', 3 * GenerationRequestBytes))];
        RawResponse response = await SendRawAsync(
            "POST /api/generations HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", body);
        AssertRefused(response, GenerationRequestBytes, "GenerationRequestBytes");
    }

    [Fact]
    public async Task An_upload_one_byte_over_the_limit_is_refused_and_one_at_the_limit_is_scored_with_or_without_a_length()
    {
        byte[] midi = MidiFileWriter.Write(SyntheticCorpus.Generate(1, seed: 3)[0]);
        foreach (bool chunked in new[] { false, true })
        {
            HttpResponseMessage over = await fixture.Http.PostAsync("/api/score", Multipart(midi, ScoreUploadBytes + 1, chunked));
            JsonElement problem = await ProblemOf(over, HttpStatusCode.RequestEntityTooLarge);
            Assert.Equal("MusicCluster:Limits:ScoreUploadBytes", problem.GetProperty("setting").GetString());

            HttpResponseMessage atLimit = await fixture.Http.PostAsync("/api/score", Multipart(midi, ScoreUploadBytes, chunked));
            Assert.True(atLimit.StatusCode == HttpStatusCode.OK, $"chunked: {chunked}: {atLimit.StatusCode} {await atLimit.Content.ReadAsStringAsync()}");
            Assert.InRange((await atLimit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("overall").GetDouble(), 0, 100);
        }
    }

    [Fact]
    public async Task Json_bodies_at_the_limit_are_read_and_checked_field_by_field()
    {
        // At the limit the body is read and bound: the answer is about its fields (400 naming them), not its size.
        foreach (bool chunked in new[] { false, true })
        {
            JsonElement generation = await ProblemOf(
                await fixture.Http.PostAsync("/api/generations", JsonOfLength("{\"bars\":0", GenerationRequestBytes, chunked)), HttpStatusCode.BadRequest);
            Assert.True(generation.GetProperty("errors").TryGetProperty("bars", out _));
            JsonElement rating = await ProblemOf(
                await fixture.Http.PostAsync("/api/pieces/no-such-piece/ratings", JsonOfLength("{\"stars\":9", RequestBytes, chunked)), HttpStatusCode.BadRequest);
            Assert.True(rating.GetProperty("errors").TryGetProperty("stars", out _));

            await ProblemOf(await fixture.Http.PostAsync("/api/generations", JsonOfLength("{\"bars\":0", GenerationRequestBytes + 1, chunked)),
                HttpStatusCode.RequestEntityTooLarge);
            await ProblemOf(await fixture.Http.PostAsync("/api/pieces/no-such-piece/ratings", JsonOfLength("{\"stars\":9", RequestBytes + 1, chunked)),
                HttpStatusCode.RequestEntityTooLarge);
        }
    }

    private static void AssertRefused(RawResponse response, int limit, string setting)
    {
        Assert.True(response.Status == 413, $"{response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal("close", response.Connection);
        Assert.Equal(413, response.Problem.GetProperty("status").GetInt32());
        string detail = response.Problem.GetProperty("detail").GetString()!;
        Assert.Contains($"at most {limit.ToString("N0", CultureInfo.InvariantCulture)} bytes", detail);
        Assert.Contains($"MusicCluster:Limits:{setting}", detail);
        Assert.Equal($"MusicCluster:Limits:{setting}", response.Problem.GetProperty("setting").GetString());
        Assert.Equal(limit, response.Problem.GetProperty("limit").GetInt64());
    }

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A multipart form of exactly <paramref name="length"/> bytes: the MIDI file in field 'file', padded by a field 'padding'.</summary>
    private static HttpContent Multipart(byte[] midi, int length, bool chunked)
    {
        byte[] head = "--limit\r\nContent-Disposition: form-data; name=\"file\"; filename=\"piece.mid\"\r\nContent-Type: audio/midi\r\n\r\n"u8.ToArray();
        byte[] middle = "\r\n--limit\r\nContent-Disposition: form-data; name=\"padding\"\r\n\r\n"u8.ToArray();
        byte[] tail = "\r\n--limit--\r\n"u8.ToArray();
        int padding = length - head.Length - midi.Length - middle.Length - tail.Length;
        byte[] body = [.. head, .. midi, .. middle, .. Enumerable.Repeat((byte)'x', padding), .. tail];
        Assert.Equal(length, body.Length);
        return Content(body, "multipart/form-data; boundary=limit", chunked);
    }

    /// <summary><paramref name="start"/> then spaces and '}' to exactly <paramref name="length"/> bytes of JSON.</summary>
    private static HttpContent JsonOfLength(string start, int length, bool chunked)
    {
        byte[] body = Encoding.ASCII.GetBytes(start + new string(' ', length - start.Length - 1) + "}");
        Assert.Equal(length, body.Length);
        return Content(body, "application/json", chunked);
    }

    /// <summary>With Content-Length, or chunked (a stream whose length the client cannot know).</summary>
    private static HttpContent Content(byte[] body, string contentType, bool chunked)
    {
        HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    private sealed record RawResponse(int Status, string? ContentType, string? Connection, string Body)
    {
        public JsonElement Problem => JsonDocument.Parse(Body).RootElement;
    }

    /// <summary>Writes a request's head and the given start of its body on a new connection, then reads one response.</summary>
    private async Task<RawResponse> SendRawAsync(string head, byte[] bodyStart)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, fixture.Address.Port);
        NetworkStream stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bodyStart);
        using var deadline = new CancellationTokenSource(AnswerWithin);
        var received = new List<byte>();
        byte[] buffer = new byte[16 << 10];
        try
        {
            while (TryParse(received) is null)
            {
                int read = await stream.ReadAsync(buffer, deadline.Token);
                if (read == 0) break;
                received.AddRange(buffer.AsSpan(0, read));
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"No complete response within {AnswerWithin.TotalSeconds} s (the server waits for the body?); received: {Encoding.ASCII.GetString([.. received])}");
        }
        return TryParse(received) ?? throw new InvalidOperationException($"Connection closed mid-response: {Encoding.ASCII.GetString([.. received])}");
    }

    /// <summary>The response once it is complete (Content-Length or chunked), null while more is to come.</summary>
    private static RawResponse? TryParse(List<byte> received)
    {
        string text = Encoding.Latin1.GetString([.. received]);
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return null;
        string[] lines = text[..end].Split("\r\n");
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        int status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        string rest = text[(end + 4)..];
        string? body;
        if (headers.TryGetValue("Content-Length", out string? length))
            body = rest.Length >= int.Parse(length, CultureInfo.InvariantCulture) ? rest[..int.Parse(length, CultureInfo.InvariantCulture)] : null;
        else body = Dechunk(rest);
        return body is null ? null : new RawResponse(status, headers.GetValueOrDefault("Content-Type")?.Split(';')[0], headers.GetValueOrDefault("Connection"), body);
    }

    private static string? Dechunk(string chunked)
    {
        var body = new StringBuilder();
        int at = 0;
        while (true)
        {
            int lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (lineEnd < 0) return null;
            int size = int.Parse(chunked[at..lineEnd].Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0) return body.ToString();
            if (chunked.Length < lineEnd + 2 + size + 2) return null;
            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}

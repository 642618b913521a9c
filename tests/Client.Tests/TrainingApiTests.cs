using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Admin;
using MusicCluster.Music.Data;

namespace MusicCluster.Client.Tests;

public sealed class TrainingClientFixture : IAsyncLifetime
{
    public ClientFactory Factory { get; } = new(EmbeddedClientSettings.CreateFresh(), AdminSession.Settings(("MusicCluster:MaxRunsPerSilo", "4")));
    public HttpClient Anonymous { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Anonymous = AdminSession.Anonymous(Factory);
        Admin = await AdminSession.SignInAsync(Factory);
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>/api/training-runs, /api/sweeps, /api/models and the training pages through the real Client (embedded silo).</summary>
public sealed class TrainingApiTests(TrainingClientFixture fixture) : IClassFixture<TrainingClientFixture>
{
    private static object Tiny(int mleSteps, int checkpointEvery = 5) => new
    {
        dataset = "synthetic-demo",
        checkpointEvery,
        settings = new { layers = 1, heads = 2, modelWidth = 16, contextLength = 32, dropout = 0.0, batchSize = 2, mleSteps, validateEvery = 5 },
    };

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private async Task<JsonElement> WaitAsync(string id, Func<JsonElement, bool> condition, string what) =>
        await Poll.UntilAsync(async () => await fixture.Anonymous.GetFromJsonAsync<JsonElement>($"/api/training-runs/{id}"), condition, TimeSpan.FromMinutes(3), what);

    [Fact]
    public async Task Admin_actions_without_sign_in_are_401_problem_details()
    {
        var anonymous = fixture.Anonymous;
        var attempts = new[]
        {
            anonymous.PostAsJsonAsync("/api/training-runs", Tiny(5)),
            anonymous.PostAsync("/api/training-runs/run-x/pause", null),
            anonymous.PostAsync("/api/training-runs/run-x/resume", null),
            anonymous.PostAsync("/api/training-runs/run-x/stop", null),
            anonymous.PatchAsJsonAsync("/api/training-runs/run-x", new { learningRate = 0.1 }),
            anonymous.PostAsJsonAsync("/api/models/default/promote", new { }),
            anonymous.PostAsJsonAsync("/api/sweeps", new { }),
            anonymous.PostAsync("/api/sweeps/sweep-x/stop", null),
        };
        foreach (var response in await Task.WhenAll(attempts))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(401, (await JsonAsync(response)).GetProperty("status").GetInt32());
        }
        // Reading needs no sign-in.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/training-runs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/training-datasets")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/sweeps")).StatusCode);
    }

    [Fact]
    public async Task A_signed_in_change_from_another_site_is_refused_and_pages_carry_the_safety_headers()
    {
        async Task<HttpResponseMessage> StopFrom(string? origin, string? fetchSite = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/training-runs/run-absent/stop");
            if (origin is not null) request.Headers.Add("Origin", origin);
            if (fetchSite is not null) request.Headers.Add("Sec-Fetch-Site", fetchSite);
            return await fixture.Admin.SendAsync(request);
        }
        // The admin cookie rides along on a forged cross-site request: refused before the endpoint runs.
        HttpResponseMessage forged = await StopFrom("https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains("evil.example", (await JsonAsync(forged)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await StopFrom(null, "cross-site")).StatusCode);
        // From this site's own pages (and from tools that send no Origin) the endpoint answers as usual.
        Assert.Equal(HttpStatusCode.NotFound, (await StopFrom("http://localhost")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await StopFrom(null, "same-origin")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await StopFrom(null)).StatusCode);
        // Without the cookie there is nothing to forge: the usual 401.
        using var anonymous = new HttpRequestMessage(HttpMethod.Post, "/api/training-runs/run-absent/stop");
        anonymous.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.SendAsync(anonymous)).StatusCode);

        HttpResponseMessage page = await fixture.Anonymous.GetAsync("/library");
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        // Streaming software embeds the overlay.
        HttpResponseMessage overlay = await fixture.Anonymous.GetAsync("/obs");
        Assert.DoesNotContain("frame-ancestors", overlay.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task A_wrong_password_does_not_sign_in_and_admin_pages_redirect_to_login()
    {
        var client = AdminSession.Anonymous(fixture.Factory);
        HttpResponseMessage wrong = await AdminSession.PostLoginAsync(client, "not it");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("not the admin password", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/training-runs", Tiny(5))).StatusCode);

        string page = await client.GetStringAsync("/training");
        HttpResponseMessage post = await client.PostAsync("/training", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AdminSession.AntiforgeryToken(page),
            ["Form.Dataset"] = "synthetic-demo",
        }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.StartsWith("/login", post.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Bad_fields_are_400_with_every_field_named_and_unknown_runs_404()
    {
        var admin = fixture.Admin;
        HttpResponseMessage bad = await admin.PostAsJsonAsync("/api/training-runs", new
        {
            dataset = "synthetic-demo",
            settings = new { layers = 0, heads = 3, modelWidth = 16, batchSize = -2, learningRate = -1.0 },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        JsonElement errors = (await JsonAsync(bad)).GetProperty("errors");
        foreach (string field in new[] { "settings.layers", "settings.modelWidth", "settings.batchSize", "settings.learningRate" })
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");

        HttpResponseMessage unknownDataset = await admin.PostAsJsonAsync("/api/training-runs", new { dataset = "nope" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownDataset.StatusCode);
        Assert.True((await JsonAsync(unknownDataset)).GetProperty("errors").TryGetProperty("dataset", out _));

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/training-runs/run-unknown")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/training-runs/run-unknown/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/training-runs/run-unknown/log")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/training-runs/run-unknown/pause", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PatchAsJsonAsync("/api/training-runs/run-unknown", new { learningRate = 0.1 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/training-runs/bad%20id")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/sweeps/sweep-unknown")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/models/no-such-model/promote", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/training/run-unknown")).StatusCode);

        HttpResponseMessage badSweep = await admin.PostAsJsonAsync("/api/sweeps", new
        {
            @base = Tiny(5),
            mode = "grid",
            parameters = new[] { new { field = "colour", values = new[] { 1.0 } } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, badSweep.StatusCode);
        Assert.True((await JsonAsync(badSweep)).GetProperty("errors").TryGetProperty("parameters[0].colour", out _));
    }

    [Fact]
    public async Task A_run_is_started_watched_controlled_and_its_checkpoint_promoted()
    {
        var admin = fixture.Admin;
        HttpResponseMessage started = await admin.PostAsJsonAsync("/api/training-runs", Tiny(mleSteps: 100_000, checkpointEvery: 1000));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        JsonElement run = await JsonAsync(started);
        string id = run.GetProperty("runId").GetString()!;
        Assert.Equal($"/api/training-runs/{id}", started.Headers.Location!.OriginalString);
        Assert.Equal("Running", run.GetProperty("status").GetString());

        await WaitAsync(id, r => r.GetProperty("step").GetInt64() >= 2, "a few steps");
        var metrics = await fixture.Anonymous.GetFromJsonAsync<JsonElement>($"/api/training-runs/{id}/metrics?fromStep=2");
        Assert.Equal(2, metrics[0].GetProperty("step").GetInt64());
        var log = await fixture.Anonymous.GetFromJsonAsync<JsonElement>($"/api/training-runs/{id}/log?fromLine=0");
        Assert.True(log.GetArrayLength() >= 1);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Anonymous.GetAsync($"/api/training-runs/{id}/metrics?fromStep=-1")).StatusCode);
        var list = await fixture.Anonymous.GetFromJsonAsync<JsonElement>("/api/training-runs");
        Assert.Contains(list.EnumerateArray(), r => r.GetProperty("runId").GetString() == id);

        HttpResponseMessage lr = await admin.PatchAsJsonAsync($"/api/training-runs/{id}", new { learningRate = 0.002 });
        Assert.Equal(HttpStatusCode.OK, lr.StatusCode);
        Assert.Equal(0.002, (await JsonAsync(lr)).GetProperty("learningRate").GetDouble());
        HttpResponseMessage badLr = await admin.PatchAsJsonAsync($"/api/training-runs/{id}", new { learningRate = -3 });
        Assert.Equal(HttpStatusCode.BadRequest, badLr.StatusCode);
        Assert.True((await JsonAsync(badLr)).GetProperty("errors").TryGetProperty("learningRate", out _));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PatchAsJsonAsync($"/api/training-runs/{id}", new { })).StatusCode);

        HttpResponseMessage paused = await admin.PostAsync($"/api/training-runs/{id}/pause", null);
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        JsonElement pausedRun = await JsonAsync(paused);
        Assert.Equal("Paused", pausedRun.GetProperty("status").GetString());
        HttpResponseMessage again = await admin.PostAsync($"/api/training-runs/{id}/pause", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("only a running run can be paused", (await JsonAsync(again)).GetProperty("detail").GetString());

        Assert.Equal("Running", (await JsonAsync(await admin.PostAsync($"/api/training-runs/{id}/resume", null))).GetProperty("status").GetString());
        JsonElement stopped = await JsonAsync(await admin.PostAsync($"/api/training-runs/{id}/stop", null));
        Assert.Equal("Stopped", stopped.GetProperty("status").GetString());
        string checkpoint = stopped.GetProperty("checkpoints").EnumerateArray().Last().GetProperty("checkpointId").GetString()!;

        // The models page's promote form (what an admin clicks) works too: it redirects back with a message.
        string form = await admin.GetStringAsync("/models");
        string token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        HttpResponseMessage posted = await admin.PostAsync("/models?handler=Promote", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["modelId"] = id,
            ["checkpointId"] = checkpoint,
            ["__RequestVerificationToken"] = token,
        }));
        Assert.True(posted.StatusCode == HttpStatusCode.Redirect, $"{posted.StatusCode}: {await posted.Content.ReadAsStringAsync()}");
        HttpResponseMessage after = await admin.GetAsync(posted.Headers.Location);
        string afterBody = await after.Content.ReadAsStringAsync();
        Assert.True(after.StatusCode == HttpStatusCode.OK, $"{after.StatusCode}: {afterBody}");
        Assert.Contains("is the default model now", afterBody);
        Assert.Contains("data-testid=\"rescoring\"", afterBody);

        // The stopped run's last checkpoint is registered and calibrated: promote it.
        var models = await fixture.Anonymous.GetFromJsonAsync<JsonElement>("/api/models");
        Assert.Contains(models.GetProperty("models").EnumerateArray(), m => m.GetProperty("modelId").GetString() == id);
        HttpResponseMessage promoted = await admin.PostAsJsonAsync($"/api/models/{id}/promote", new { checkpointId = checkpoint });
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        JsonElement promotion = await JsonAsync(promoted);
        JsonElement defaultRef = promotion.GetProperty("catalog").GetProperty("default");
        // Promotion starts a scoring job that rescores the library with the new default.
        Assert.Equal(JsonValueKind.Null, promotion.GetProperty("rescoringProblem").ValueKind);
        string job = promotion.GetProperty("rescoringJobId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await fixture.Anonymous.GetAsync($"/api/scoring-jobs/{job}")).StatusCode);
        Assert.Equal(id, defaultRef.GetProperty("modelId").GetString());
        Assert.Equal(checkpoint, defaultRef.GetProperty("checkpointId").GetString());
        string modelsPage = await fixture.Anonymous.GetStringAsync("/models");
        Assert.Contains(id, modelsPage);
        Assert.Contains($"/training/{id}", await fixture.Anonymous.GetStringAsync("/training"));
        Assert.Contains(checkpoint, await fixture.Anonymous.GetStringAsync($"/training/{id}"));
    }

    [Fact]
    public async Task The_training_form_shows_the_servers_field_errors_and_starts_a_run()
    {
        var admin = fixture.Admin;
        string page = await admin.GetStringAsync("/training");
        Assert.Contains("synthetic-demo", page);
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AdminSession.AntiforgeryToken(page),
            ["Form.Dataset"] = "synthetic-demo",
            ["Form.Layers"] = "1",
            ["Form.Heads"] = "3",
            ["Form.ModelWidth"] = "16",
            ["Form.ContextLength"] = "32",
            ["Form.Dropout"] = "0",
            ["Form.LearningRate"] = "0.001",
            ["Form.BatchSize"] = "2",
            ["Form.MleSteps"] = "5",
            ["Form.AdversarialSteps"] = "0",
            ["Form.CriticSteps"] = "1",
            ["Form.GradientPenaltyWeight"] = "10",
            ["Form.GumbelTemperature"] = "1",
            ["Form.MleWeight"] = "1",
            ["Form.ValidateEvery"] = "5",
            ["Form.CheckpointEvery"] = "5",
        };
        HttpResponseMessage invalid = await admin.PostAsync("/training", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        string html = await invalid.Content.ReadAsStringAsync();
        Assert.Matches("data-testid=\"error-ModelWidth\">[^<]*divisible by heads \\(3\\)", html);

        form["Form.Heads"] = "2";
        HttpResponseMessage ok = await admin.PostAsync("/training", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        string location = ok.Headers.Location!.OriginalString;
        Assert.StartsWith("/training/run-", location);
        string id = location["/training/".Length..];
        await WaitAsync(id, r => r.GetProperty("status").GetString() == "Completed", "the form's run completes");
    }

    [Fact]
    public async Task A_jsb_grid_dataset_imported_into_the_data_folder_is_offered_with_its_sizes_and_a_form_run_on_it_trains_a_grid_model()
    {
        // What the README's `musiccluster dataset import Jsb16thSeparated.json --format jsb --tokenizer grid --augment
        // --out data/datasets/jsb-grid` does, into this Client's data folder.
        string json = TinyJsbChorales.Write(RepositoryPaths.NewTempFolder("jsb-json"));
        DatasetImporter.ImportJsb(json, Path.Combine(fixture.Factory.Settings.DataPath, "datasets", "jsb-grid"),
            new ImportOptions { Tokenizer = TokenizerChoice.Grid, Augment = true, Parallelism = 1 });

        var datasets = await fixture.Anonymous.GetFromJsonAsync<JsonElement>("/api/training-datasets");
        JsonElement grid = datasets.EnumerateArray().Single(d => d.GetProperty("id").GetString() == "jsb-grid");
        Assert.Equal(("jsb-grid", 131), (grid.GetProperty("tokenizer").GetString(), grid.GetProperty("vocabularySize").GetInt32()));
        JsonElement train = grid.GetProperty("splits").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "train");
        Assert.Equal((2, 24), (train.GetProperty("sourcePieces").GetInt32(), train.GetProperty("sequences").GetInt32()));
        Assert.Equal(256, grid.GetProperty("suggestedSettings").GetProperty("contextLength").GetInt32());

        // The page offers it with its tokenizer and sizes; chosen, the form starts from the grid's context.
        var admin = fixture.Admin;
        string page = await admin.GetStringAsync("/training?dataset=jsb-grid");
        Assert.Matches("<option value=\"jsb-grid\" selected=\"selected\"[^>]*>jsb-grid \\(jsb-grid tokens, vocabulary 131, 7,680 train tokens\\)</option>", page);
        Assert.Matches("data-testid=\"dataset-details\">[^<]*train: 2 pieces, 24 sequences, 7,680 tokens", page);
        Assert.Matches("id=\"form-contextlength\" name=\"Form.ContextLength\" value=\"256\"", page);
        // The other datasets' options carry the context the page's script sets when one of them is chosen.
        Assert.Matches("<option value=\"synthetic-demo\"[^>]*data-defaults=\"\\{&quot;ContextLength&quot;:&quot;64&quot;\\}\"", page);
        Assert.Contains("id=\"form-contextlength\" name=\"Form.ContextLength\" value=\"64\"", await admin.GetStringAsync("/training"));

        // Posted with that context and a tiny model, the form starts a run whose config fits the grid vocabulary, and it trains.
        string context = System.Text.RegularExpressions.Regex.Match(page, "name=\"Form.ContextLength\" value=\"(\\d+)\"").Groups[1].Value;
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AdminSession.AntiforgeryToken(page),
            ["Form.Dataset"] = "jsb-grid",
            ["Form.Layers"] = "1",
            ["Form.Heads"] = "2",
            ["Form.ModelWidth"] = "16",
            ["Form.ContextLength"] = context,
            ["Form.Dropout"] = "0",
            ["Form.LearningRate"] = "0.001",
            ["Form.BatchSize"] = "2",
            ["Form.MleSteps"] = "3",
            ["Form.AdversarialSteps"] = "0",
            ["Form.CriticSteps"] = "1",
            ["Form.GradientPenaltyWeight"] = "10",
            ["Form.GumbelTemperature"] = "1",
            ["Form.MleWeight"] = "1",
            ["Form.ValidateEvery"] = "3",
            ["Form.CheckpointEvery"] = "3",
        };
        HttpResponseMessage posted = await admin.PostAsync("/training", new FormUrlEncodedContent(form));
        Assert.True(posted.StatusCode == HttpStatusCode.Redirect, $"{posted.StatusCode}: {await posted.Content.ReadAsStringAsync()}");
        string id = posted.Headers.Location!.OriginalString["/training/".Length..];
        JsonElement done = await WaitAsync(id, r => r.GetProperty("status").GetString() is "Completed" or "Failed", "the grid run ends");
        Assert.True(done.GetProperty("status").GetString() == "Completed", done.ToString());
        JsonElement model = JsonDocument.Parse(done.GetProperty("configJson").GetString()!).RootElement.GetProperty("model");
        Assert.Equal((131, 256), (model.GetProperty("vocabSize").GetInt32(), model.GetProperty("contextLength").GetInt32()));
        Assert.Equal(3, done.GetProperty("step").GetInt64());
        // Validated on the grid's valid split at its last step.
        Assert.Equal(JsonValueKind.Number, done.GetProperty("latestValidNll").ValueKind);
    }

    [Fact]
    public async Task A_generated_admin_password_is_stored_hashed_once_and_kept_across_restarts()
    {
        var settings = EmbeddedClientSettings.CreateFresh();
        string? first;
        await using (var factory = new ClientFactory(settings))
        {
            factory.CreateClient();
            first = await factory.Services.GetRequiredService<IClusterClient>().GetGrain<IAdminCredentialsGrain>(0).GetPasswordHashAsync();
            Assert.StartsWith("pbkdf2-sha256$", first);
            // Without the printed password nobody signs in.
            Assert.Equal(HttpStatusCode.Unauthorized, (await AdminSession.PostLoginAsync(AdminSession.Anonymous(factory), "guess")).StatusCode);
        }
        await using var restarted = new ClientFactory(settings);
        restarted.CreateClient();
        Assert.Equal(first, await restarted.Services.GetRequiredService<IClusterClient>().GetGrain<IAdminCredentialsGrain>(0).GetPasswordHashAsync());
    }
}

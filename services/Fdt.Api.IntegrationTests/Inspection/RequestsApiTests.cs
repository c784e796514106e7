using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fdt.Api.Inspection;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Data.Model;
using Fdt.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Fdt.Api.IntegrationTests.Inspection;

public sealed class RequestsApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CapturedExchange_IsListedAndReadWithDecodedBodies_AndRedactionKept()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var id = await Captures.SubmitAsync(factory, owner.TeamId, requestBody: """{"id":"evt_1","amount":42}""", responseBody: [0, 1, 2, 0xff, 0xfe]);

        var page = await owner.Client.GetFromJsonAsync<RequestsEndpoints.RequestPage>("/v1/requests", IdentityApi.Json, Cancel);
        var summary = Assert.Single(page!.Items);
        Assert.Equal((id, "POST", "/hooks/stripe?attempt=1", 200, "shop"), (summary.Id, summary.Method, summary.Target, summary.Status, summary.TunnelName));
        Assert.Null(page.NextCursor);

        var detail = await owner.Client.GetFromJsonAsync<RequestsEndpoints.RequestDetail>($"/v1/requests/{id}", IdentityApi.Json, Cancel);
        Assert.Equal("json", detail!.RequestBody.Kind);
        Assert.Equal("{\n  \"id\": \"evt_1\",\n  \"amount\": 42\n}", detail.RequestBody.Text);
        Assert.Equal("binary", detail.ResponseBody.Kind);
        Assert.Equal("000102fffe", detail.ResponseBody.HexHead);
        Assert.Contains(detail.RequestHeaders, h => h[0] == "Authorization" && h[1] == "[redacted]");
        Assert.Equal("203.0.113.7", detail.ClientAddress);

        // The bodies are files of the default store, under the team's folder.
        var files = Directory.GetFiles(Path.Combine(factory.DataDirectory, "payloads", owner.TeamId.ToString("N")), "*", SearchOption.AllDirectories);
        Assert.Equal(2, files.Length);
    }

    [Fact]
    public async Task FormAndTruncatedBodies_AreShownAsSuch()
    {
        await using var factory = IdentityApi.CreateFactory(("Inspection:BodyLimit", "16"));
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var form = await Captures.SubmitAsync(factory, owner.TeamId, requestBody: "a=1&b=two+words", requestType: "application/x-www-form-urlencoded");
        var large = await Captures.SubmitAsync(factory, owner.TeamId, requestBody: new string('x', 100), requestType: "text/plain");

        var formDetail = await owner.Client.GetFromJsonAsync<RequestsEndpoints.RequestDetail>($"/v1/requests/{form}", IdentityApi.Json, Cancel);
        var largeDetail = await owner.Client.GetFromJsonAsync<RequestsEndpoints.RequestDetail>($"/v1/requests/{large}", IdentityApi.Json, Cancel);

        Assert.Equal("form", formDetail!.RequestBody.Kind);
        Assert.Equal([["a", "1"], ["b", "two words"]], formDetail.RequestBody.Form!.Select(f => f.ToList()));
        Assert.Equal((100L, true, 16), (largeDetail!.RequestBody.Size, largeDetail.RequestBody.Truncated, largeDetail.RequestBody.Text!.Length));
    }

    [Fact]
    public async Task List_FiltersAndPagesWithACursor()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await Captures.SubmitAsync(factory, owner.TeamId, tunnel: i % 2 == 0 ? "shop" : "blog", method: i < 3 ? "GET" : "POST", target: $"/item/{i}", status: i == 5 ? 502 : 200, receivedAt: start.AddSeconds(i)));
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await owner.Client.GetFromJsonAsync<RequestsEndpoints.RequestPage>($"/v1/requests?limit=3{(cursor is null ? string.Empty : "&cursor=" + cursor)}", IdentityApi.Json, Cancel);
            Assert.InRange(page!.Items.Count, 1, 3);
            seen.AddRange(page.Items.Select(i => i.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(ids), seen);
        Assert.Equal([ids[5]], await IdsAsync(owner.Client, "status=5"));
        Assert.Equal([ids[2], ids[1], ids[0]], await IdsAsync(owner.Client, "method=get"));
        Assert.Equal([ids[5], ids[3], ids[1]], await IdsAsync(owner.Client, "tunnel=blog"));
        Assert.Equal([ids[4]], await IdsAsync(owner.Client, "path=%2Fitem%2F4"));
        Assert.Equal([ids[3], ids[2]], await IdsAsync(owner.Client, $"from={Uri.EscapeDataString(start.AddSeconds(1.5).ToString("O"))}&to={Uri.EscapeDataString(start.AddSeconds(3.5).ToString("O"))}"));

        using var badCursor = await owner.Client.GetAsync("/v1/requests?cursor=nonsense", Cancel);
        await IdentityApi.ValidationProblemAsync(badCursor, "cursor");
    }

    [Fact]
    public async Task Har_ParsesBackWithTheExchange_AndCurlSendsItAgain()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        var id = await Captures.SubmitAsync(factory, owner.TeamId, requestBody: """{"it's":"quoted"}""", responseBody: "ok"u8.ToArray(), responseType: "text/plain", extraHeaders: [new("X-Trace", "abc")]);

        using var har = await owner.Client.GetAsync($"/v1/requests/{id}/har", Cancel);
        using var document = JsonDocument.Parse(await har.Content.ReadAsStringAsync(Cancel));
        var log = document.RootElement.GetProperty("log");
        var entry = log.GetProperty("entries").EnumerateArray().Single();
        Assert.Equal("1.2", log.GetProperty("version").GetString());
        Assert.Equal("POST", entry.GetProperty("request").GetProperty("method").GetString());
        Assert.Equal("http://shop.localhost:8080/hooks/stripe?attempt=1", entry.GetProperty("request").GetProperty("url").GetString());
        Assert.Equal("attempt", entry.GetProperty("request").GetProperty("queryString")[0].GetProperty("name").GetString());
        Assert.Equal("""{"it's":"quoted"}""", entry.GetProperty("request").GetProperty("postData").GetProperty("text").GetString());
        Assert.Equal("ok", entry.GetProperty("response").GetProperty("content").GetProperty("text").GetString());
        Assert.Equal(200, entry.GetProperty("response").GetProperty("status").GetInt32());
        Assert.True(DateTimeOffset.TryParse(entry.GetProperty("startedDateTime").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Contains("attachment", har.Content.Headers.ContentDisposition?.ToString() ?? har.Headers.GetValues("Content-Disposition").Single(), StringComparison.Ordinal);

        var curl = await owner.Client.GetStringAsync($"/v1/requests/{id}/curl", Cancel);
        Assert.StartsWith("curl -X 'POST' 'http://shop.localhost:8080/hooks/stripe?attempt=1'", curl, StringComparison.Ordinal);
        Assert.Contains("-H 'X-Trace: abc'", curl, StringComparison.Ordinal);
        Assert.Contains("""--data-raw '{"it'\''s":"quoted"}'""", curl, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorization:", curl, StringComparison.Ordinal);
        Assert.Contains("Redacted headers (Authorization)", curl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherTeamsCaptures_AreNeitherListedNorReadNorReplayed()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var victim = await Seed.UserAsync(factory, "victim@example.com");
        using var attacker = await Seed.UserAsync(factory, "attacker@example.com");
        var id = await Captures.SubmitAsync(factory, victim.TeamId, requestBody: "secret-payload");

        var list = await attacker.Client.GetFromJsonAsync<RequestsEndpoints.RequestPage>("/v1/requests", IdentityApi.Json, Cancel);
        Assert.Empty(list!.Items);
        foreach (var path in new[] { $"/v1/requests/{id}", $"/v1/requests/{id}/har", $"/v1/requests/{id}/curl", $"/v1/requests?teamId={victim.TeamId}" })
        {
            using var response = await attacker.Client.GetAsync(path, Cancel);
            await IdentityApi.ProblemAsync(response, HttpStatusCode.NotFound);
        }

        using var replay = await attacker.Client.PostAsJsonAsync($"/v1/requests/{id}/replay", new { body = "forged" }, Cancel);
        await IdentityApi.ProblemAsync(replay, HttpStatusCode.NotFound);
        using var settings = await attacker.Client.PutAsJsonAsync($"/v1/teams/{victim.TeamId}/inspection", new { retentionDays = 1 }, Cancel);
        await IdentityApi.ProblemAsync(settings, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Replay_NeedsAMember_AndALiveTunnel()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var viewer = await Seed.UserAsync(factory, "viewer@example.com", TeamRole.Viewer, owner.TeamId);
        var id = await Captures.SubmitAsync(factory, owner.TeamId, requestBody: "{}");

        using var byViewer = await viewer.Client.PostAsJsonAsync($"/v1/requests/{id}/replay", new { }, Cancel);
        using var notRunning = await owner.Client.PostAsJsonAsync($"/v1/requests/{id}/replay", new { }, Cancel);
        using var badPath = await owner.Client.PostAsJsonAsync($"/v1/requests/{id}/replay", new { path = "no-slash" }, Cancel);

        await IdentityApi.ProblemAsync(byViewer, HttpStatusCode.Forbidden);
        await IdentityApi.ProblemAsync(notRunning, HttpStatusCode.Conflict);
        await IdentityApi.ValidationProblemAsync(badPath, "path");
    }

    [Fact]
    public async Task RetentionJob_DeletesExpiredCapturesAndTheirBodies_PerTeamRetention()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var shortTeam = await Seed.UserAsync(factory, "short@example.com");
        using var longTeam = await Seed.UserAsync(factory, "long@example.com");
        using (var set = await shortTeam.Client.PutAsJsonAsync($"/v1/teams/{shortTeam.TeamId}/inspection", new { retentionDays = 1 }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        var old = DateTimeOffset.UtcNow.AddDays(-2);
        var expired = await Captures.SubmitAsync(factory, shortTeam.TeamId, requestBody: "old", receivedAt: old);
        var fresh = await Captures.SubmitAsync(factory, shortTeam.TeamId, requestBody: "new");
        var keptByLongerRetention = await Captures.SubmitAsync(factory, longTeam.TeamId, requestBody: "old too", receivedAt: old);
        var expiredFolder = Path.Combine(factory.DataDirectory, "payloads", shortTeam.TeamId.ToString("N"), old.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(Directory.Exists(expiredFolder));

        var scheduler = await factory.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(Cancel);
        await scheduler.TriggerJob(new JobKey("capture-retention", "inspection"), Cancel);

        await Eventually.TrueAsync(() => IdentityApi.DbAsync(factory, db => db.CapturedRequests.AllAsync(r => r.Id != expired, Cancel)), "the expired capture is still there", TimeSpan.FromSeconds(10), Cancel);
        var left = await IdentityApi.DbAsync(factory, db => db.CapturedRequests.Select(r => r.Id).ToListAsync(Cancel));
        Assert.Equal(new[] { fresh, keptByLongerRetention }.Order(), left.Order());
        Assert.False(Directory.Exists(expiredFolder));
    }

    private static async Task<List<Guid>> IdsAsync(HttpClient client, string query)
        => [.. (await client.GetFromJsonAsync<RequestsEndpoints.RequestPage>("/v1/requests?" + query, IdentityApi.Json, Cancel))!.Items.Select(i => i.Id)];
}

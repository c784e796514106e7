using System.Net;
using System.Text;
using System.Text.Json;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests;

/// <summary>The built fdt's local inspector, found at the address it prints.</summary>
public sealed class InspectorEndToEndTests : IAsyncLifetime
{
    private const string Token = "fdt_e2e_token_0123456789";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"fdt-e2e-{Guid.NewGuid():N}");
    private OriginServer _origin = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _origin = await OriginServer.StartAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await _origin.DisposeAsync();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task HttpTunnel_InspectorAtThePrintedAddressShowsAndReplaysRequests()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, Token);
        await using var agent = AgentProcess.Start(server.Url, _origin.Address, Token, "--inspect-addr", "127.0.0.1:0");
        var url = await agent.WaitForUrlAsync();
        var inspector = (await agent.WaitForEventAsync("inspector_started")).GetProperty("url").GetString()!;
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", inspector);
        using var visitor = server.CreateVisitor();
        using var posted = await visitor.PostAsync(url + "/echo", new StringContent("hello inspector", Encoding.UTF8, "text/plain"), Ct);
        Assert.Equal("hello inspector", await posted.Content.ReadAsStringAsync(Ct));

        using var client = new HttpClient { BaseAddress = new Uri(inspector) };
        string? id = null;
        await Eventually.TrueAsync(
            async () =>
            {
                using var list = JsonDocument.Parse(await client.GetStringAsync("/api/requests?path=/echo", Ct));
                var first = list.RootElement.GetProperty("requests").EnumerateArray().FirstOrDefault();
                id = first.ValueKind == JsonValueKind.Object && first.GetProperty("state").GetString() == "complete" ? first.GetProperty("id").GetString() : null;
                return id is not null;
            },
            "the inspector lists the request",
            cancellationToken: Ct);
        using var detail = JsonDocument.Parse(await client.GetStringAsync($"/api/requests/{id}", Ct));
        Assert.Equal(url + "/echo", detail.RootElement.GetProperty("url").GetString());
        Assert.Equal("hello inspector", detail.RootElement.GetProperty("request").GetProperty("body").GetProperty("text").GetString());
        Assert.Equal(200, detail.RootElement.GetProperty("response").GetProperty("status").GetInt32());

        using var replay = new HttpRequestMessage(HttpMethod.Post, $"/api/requests/{id}/replay")
        {
            Content = new StringContent("{\"body\":\"hello again\"}", Encoding.UTF8, "application/json"),
        };
        replay.Headers.Add("X-Fdt-Inspector", "1");
        using var replayed = await client.SendAsync(replay, Ct);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        using var result = JsonDocument.Parse(await replayed.Content.ReadAsStringAsync(Ct));
        Assert.Equal(id, result.RootElement.GetProperty("replayOf").GetString());
        Assert.Equal("hello again", result.RootElement.GetProperty("response").GetProperty("body").GetProperty("text").GetString());
    }

    [Fact]
    public async Task InspectFalse_ServesNoInspector()
    {
        await using var server = await ServerProcess.StartAsync(_dataDirectory, Token);
        await using var agent = AgentProcess.Start(server.Url, _origin.Address, Token, "--inspect=false");
        var url = await agent.WaitForUrlAsync();
        using var visitor = server.CreateVisitor();

        Assert.Equal("hello from origin", await visitor.GetStringAsync(url + "/hello", Ct));
        await agent.WaitForEventAsync("request");

        Assert.DoesNotContain(agent.Process.Lines, line => line.Contains("\"inspector_", StringComparison.Ordinal));
    }
}

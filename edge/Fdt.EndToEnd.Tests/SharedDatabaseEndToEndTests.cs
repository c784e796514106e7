using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests;

/// <summary>
/// Two fdt-server processes (all roles each, as nodes behind a load balancer would run) sharing one
/// PostgreSQL database and one key directory. What one node's API decides reaches an agent on the
/// other node through the database alone: the tunnel is listed across edges, stopped, and its
/// authtoken revoked.
/// </summary>
public sealed class SharedDatabaseEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Reaction = TimeSpan.FromSeconds(15);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fdt-e2e-shared-{Guid.NewGuid():N}");
    private PostgresServer _postgres = null!;
    private ServerProcess _api = null!;
    private ServerProcess _edge = null!;
    private OriginServer _origin = null!;
    private ServerOperator _operator = null!;
    private HttpClient _client = null!;
    private Guid _teamId;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _postgres = await PostgresServer.StartAsync(Cancel);
        var database = await _postgres.CreateDatabaseAsync(Cancel);
        _origin = await OriginServer.StartAsync(Cancel);
        string[] Settings(string node) =>
        [
            "--Data:Provider=postgres",
            $"--Data:ConnectionString={database}",
            $"--Api:KeyDirectory={Path.Combine(_directory, "keys")}",
            $"--Edge:LeaseFile={Path.Combine(_directory, node, "leases.json")}",
        ];

        // One after the other: the first applies the migrations, the second finds them applied.
        _api = await ServerProcess.StartAsync(Path.Combine(_directory, "a"), null, roles: "all", extra: Settings("a"));
        _edge = await ServerProcess.StartAsync(Path.Combine(_directory, "b"), null, roles: "all", extra: Settings("b"));
        _operator = await ServerOperator.CreateFirstAsync(_api, "ops@example.com", "Ops");
        _client = _operator.Client;
        _teamId = _operator.TeamId;
    }

    public async ValueTask DisposeAsync()
    {
        _operator?.Dispose();
        foreach (var server in new[] { _edge, _api })
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task ApiOnOneNode_ListsStopsAndRevokesAgentsOnAnother()
    {
        var target = _origin.Port.ToString(CultureInfo.InvariantCulture);
        var stopToken = await CreateAuthtokenAsync("stopped");
        var revokeToken = await CreateAuthtokenAsync("revoked");

        // Both agents sign in and connect at the other node; the first node never sees them.
        await using var stopped = AgentProcess.Start(_edge.Url, target, stopToken);
        await using var revoked = AgentProcess.Start(_edge.Url, target, revokeToken);
        var url = await stopped.WaitForUrlAsync();
        await revoked.WaitForUrlAsync();
        using (var visitor = _edge.CreateVisitor())
        {
            Assert.Equal("hello from origin", await visitor.GetStringAsync(new Uri(new Uri(url), "/hello"), Cancel));
        }

        var listed = await WaitForTunnelsAsync(list => list.GetArrayLength() == 2);
        var tunnel = listed.EnumerateArray().Single(t => t.GetProperty("url").GetString() == url);

        using (var stop = await _client.PostAsync($"/v1/teams/{_teamId}/tunnels/{tunnel.GetProperty("id").GetString()}/stop", null, Cancel))
        {
            Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        }

        Assert.Contains("ops@example.com", (await stopped.WaitForEventAsync("tunnel_stopped", timeout: Reaction)).GetRawText(), StringComparison.Ordinal);
        Assert.Equal(6, await stopped.Process.WaitForExitAsync(Reaction, Cancel));

        var tokens = await _client.GetFromJsonAsync<JsonElement>($"/v1/teams/{_teamId}/authtokens", Cancel);
        var revokeId = tokens.EnumerateArray().Single(t => t.GetProperty("description").GetString() == "revoked").GetProperty("id").GetGuid();
        using (var revoke = await _client.DeleteAsync($"/v1/teams/{_teamId}/authtokens/{revokeId}", Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        Assert.Equal(3, await revoked.Process.WaitForExitAsync(Reaction, Cancel));
        await WaitForTunnelsAsync(list => list.GetArrayLength() == 0);
    }

    private async Task<string> CreateAuthtokenAsync(string description)
    {
        using var response = await _client.PostAsJsonAsync($"/v1/teams/{_teamId}/authtokens", new { description }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("token").GetString()!;
    }

    private async Task<JsonElement> WaitForTunnelsAsync(Func<JsonElement, bool> condition)
    {
        JsonElement last = default;
        await Eventually.TrueAsync(
            async () => condition(last = await _client.GetFromJsonAsync<JsonElement>($"/v1/teams/{_teamId}/tunnels", Cancel)),
            "the first node's API does not show the expected tunnels of the second node",
            Reaction,
            Cancel);
        return last;
    }
}

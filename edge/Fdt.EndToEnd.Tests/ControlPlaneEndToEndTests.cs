using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests;

/// <summary>
/// The control plane acting on live agents: fdt-server with all roles and the real fdt binary.
/// Revoking an authtoken, reserving a name and stopping a tunnel through the API reach the agent.
/// </summary>
public sealed class ControlPlaneEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Reaction = TimeSpan.FromSeconds(15);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"fdt-e2e-cp-{Guid.NewGuid():N}");
    private ServerProcess _server = null!;
    private OriginServer _origin = null!;
    private ServerOperator _operator = null!;
    private HttpClient _api = null!;
    private Guid _teamId;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _origin = await OriginServer.StartAsync(Cancel);
        _server = await ServerProcess.StartAsync(_dataDirectory, null, roles: "all", extra: ["--ControlPlane:HeartbeatInterval=00:00:01"]);
        _operator = await ServerOperator.CreateFirstAsync(_server, "ops@example.com", "Ops");
        _api = _operator.Client;
        _teamId = _operator.TeamId;
    }

    public async ValueTask DisposeAsync()
    {
        _operator?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }

        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task StoppingATunnelThroughTheApi_EndsTheAgentWithTheReason()
    {
        var authtoken = await CreateAuthtokenAsync(_teamId);
        await using var agent = AgentProcess.Start(_server.Url, _origin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), authtoken);
        var url = await agent.WaitForUrlAsync();
        using (var visitor = _server.CreateVisitor())
        {
            Assert.Equal("hello from origin", await visitor.GetStringAsync(new Uri(new Uri(url), "/hello"), Cancel));
        }

        // Counters reach the database with the edge's next report: wait for the one that has them.
        var tunnel = await WaitForTunnelAsync(t => t.GetProperty("url").GetString() == url && t.GetProperty("requests").GetInt64() == 1 && t.GetProperty("bytesOut").GetInt64() > 0);
        Assert.Equal($"http://localhost:{_origin.Port}", tunnel.GetProperty("localAddress").GetString());

        using var stop = await _api.PostAsync($"/v1/teams/{_teamId}/tunnels/{tunnel.GetProperty("id").GetString()}/stop", null, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);

        var stopped = await agent.WaitForEventAsync("tunnel_stopped", timeout: Reaction);
        Assert.Contains("ops@example.com", stopped.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(6, await agent.Process.WaitForExitAsync(Reaction, Cancel));
        await WaitForTunnelsAsync(list => list.GetArrayLength() == 0);
    }

    [Fact]
    public async Task RevokingTheAuthtoken_DisconnectsTheAgentAndItCannotReconnect()
    {
        var authtoken = await CreateAuthtokenAsync(_teamId);
        await using var agent = AgentProcess.Start(_server.Url, _origin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), authtoken);
        await agent.WaitForUrlAsync();
        var tokens = await _api.GetFromJsonAsync<JsonElement>($"/v1/teams/{_teamId}/authtokens", Cancel);
        var id = tokens.EnumerateArray().Single().GetProperty("id").GetGuid();

        using var revoke = await _api.DeleteAsync($"/v1/teams/{_teamId}/authtokens/{id}", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

        Assert.Equal(3, await agent.Process.WaitForExitAsync(Reaction, Cancel));
        await using var again = AgentProcess.Start(_server.Url, "3000", authtoken);
        Assert.Equal(3, await again.Process.WaitForExitAsync(Reaction, Cancel));
        Assert.Contains("revoked", again.Process.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ReservedName_IsRefusedToOtherTeamsAndGrantedToItsOwn()
    {
        using var otherTeam = await _api.PostAsJsonAsync("/v1/teams", new { name = "Other team" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, otherTeam.StatusCode);
        var otherTeamId = (await otherTeam.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        using var reserve = await _api.PostAsJsonAsync($"/v1/teams/{_teamId}/reserved-names", new { name = "acme" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, reserve.StatusCode);
        var ownToken = await CreateAuthtokenAsync(_teamId);
        var otherToken = await CreateAuthtokenAsync(otherTeamId);
        var target = _origin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using var intruder = AgentProcess.Start(_server.Url, target, otherToken, "--subdomain", "acme");
        Assert.Equal(4, await intruder.Process.WaitForExitAsync(Reaction, Cancel));
        Assert.Contains("ERR_FDT_2008", intruder.Process.Output, StringComparison.Ordinal);

        await using var owner = AgentProcess.Start(_server.Url, target, ownToken, "--subdomain", "acme");
        var url = await owner.WaitForUrlAsync();
        Assert.StartsWith("http://acme.", url, StringComparison.Ordinal);

        // A random name is never one that is reserved.
        await using var random = AgentProcess.Start(_server.Url, target, otherToken);
        Assert.DoesNotContain("acme", await random.WaitForUrlAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyThroughTheApi_ReachesALiveTunnelWithinASecond_AndTheAgentLogsDenials()
    {
        using var reserve = await _api.PostAsJsonAsync($"/v1/teams/{_teamId}/reserved-names", new { name = "shop" }, Cancel);
        var reservationId = (await reserve.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        await using var agent = AgentProcess.Start(_server.Url, _origin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), await CreateAuthtokenAsync(_teamId), "--subdomain", "shop");
        var hello = new Uri(new Uri(await agent.WaitForUrlAsync()), "/hello");
        using var visitor = _server.CreateVisitor();
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync(hello, Cancel)).StatusCode);

        // A team default: nobody from loopback. It reaches the live tunnel within a second, without a reconnect.
        using (var team = await _api.PutAsJsonAsync($"/v1/teams/{_teamId}/policy", new { cidrDeny = new[] { "127.0.0.0/8" } }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, team.StatusCode);
        }

        await Eventually.TrueAsync(async () => (await visitor.GetAsync(hello, Cancel)).StatusCode == HttpStatusCode.Forbidden, "the team policy did not apply within a second", TimeSpan.FromSeconds(1), Cancel);
        var denied = await agent.WaitForEventAsync("request_denied", timeout: Reaction);
        Assert.Equal(("ip", "deny-list", 403, "/hello"), (denied.GetProperty("rule").GetString(), denied.GetProperty("reason").GetString(), denied.GetProperty("status").GetInt32(), denied.GetProperty("path").GetString()));

        // The team default goes; the reserved name gets a password instead.
        using (var delete = await _api.DeleteAsync($"/v1/teams/{_teamId}/policy", Cancel))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using (var name = await _api.PutAsJsonAsync($"/v1/teams/{_teamId}/reserved-names/{reservationId}/policy", new { basicAuth = new[] { "client:correct-horse" } }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, name.StatusCode);
            Assert.DoesNotContain("correct-horse", await name.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }

        await Eventually.TrueAsync(async () => (await visitor.GetAsync(hello, Cancel)).StatusCode == HttpStatusCode.Unauthorized, "the name's policy did not apply within a second", TimeSpan.FromSeconds(1), Cancel);
        using var signedIn = new HttpRequestMessage(HttpMethod.Get, hello);
        signedIn.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("client:correct-horse"u8));
        Assert.Equal(HttpStatusCode.OK, (await visitor.SendAsync(signedIn, Cancel)).StatusCode);

        // One session all along: the JSON log holds no lost connection and no new session after the URL.
        Assert.DoesNotContain("\"connection_lost\"", agent.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"session_started\"", agent.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspector_CapturesTrafficThroughTheTunnel_AndReplaysItEdited()
    {
        await using var agent = AgentProcess.Start(_server.Url, _origin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), await CreateAuthtokenAsync(_teamId), "--subdomain", "hooks");
        var echo = new Uri(new Uri(await agent.WaitForUrlAsync()), "/echo?source=stripe");
        using var visitor = _server.CreateVisitor();
        string requestId;
        using (var sent = await visitor.PostAsync(echo, new StringContent("""{"event":"invoice.paid"}""", System.Text.Encoding.UTF8, "application/json"), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
            requestId = sent.Headers.GetValues("X-Request-Id").Single();
        }

        JsonElement listed = default;
        await Eventually.TrueAsync(async () =>
        {
            listed = await _api.GetFromJsonAsync<JsonElement>($"/v1/requests?tunnel=hooks", Cancel);
            return listed.GetProperty("items").GetArrayLength() == 1;
        }, "the exchange was not captured", Reaction, Cancel);
        var id = listed.GetProperty("items")[0].GetProperty("id").GetGuid();
        var detail = await _api.GetFromJsonAsync<JsonElement>($"/v1/requests/{id}", Cancel);
        Assert.Equal("/echo?source=stripe", detail.GetProperty("target").GetString());
        Assert.Equal(requestId, detail.GetProperty("requestId").GetString());
        Assert.Equal(1, (await _api.GetFromJsonAsync<JsonElement>($"/v1/requests?requestId={requestId}", Cancel)).GetProperty("items").GetArrayLength());
        Assert.Equal("json", detail.GetProperty("requestBody").GetProperty("kind").GetString());
        Assert.Contains("invoice.paid", detail.GetProperty("responseBody").GetProperty("text").GetString(), StringComparison.Ordinal);

        using var replay = await _api.PostAsJsonAsync($"/v1/requests/{id}/replay", new { body = """{"event":"invoice.payment_failed"}""" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var replayed = await replay.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(200, replayed.GetProperty("status").GetInt32());
        var replayDetail = await _api.GetFromJsonAsync<JsonElement>($"/v1/requests/{replayed.GetProperty("id").GetGuid()}", Cancel);
        Assert.Equal(id, replayDetail.GetProperty("replayOfId").GetGuid());
        Assert.Contains("invoice.payment_failed", replayDetail.GetProperty("responseBody").GetProperty("text").GetString(), StringComparison.Ordinal);

        using var har = JsonDocument.Parse(await _api.GetStringAsync($"/v1/requests/{id}/har", Cancel));
        Assert.Equal("POST", har.RootElement.GetProperty("log").GetProperty("entries")[0].GetProperty("request").GetProperty("method").GetString());
    }

    [Fact]
    public async Task ReservedTcpAddress_IsRefusedToOtherTeamsAndGrantedToItsOwn()
    {
        // A port of the server's default TCP range that nothing on this machine holds.
        var port = Enumerable.Range(20000 + Random.Shared.Next(900), 100).First(IsFree);
        using var otherTeam = await _api.PostAsJsonAsync("/v1/teams", new { name = "Other team" }, Cancel);
        var otherTeamId = (await otherTeam.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        using var reserve = await _api.PostAsJsonAsync($"/v1/teams/{_teamId}/reserved-names", new { name = $"tcp-{port}" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, reserve.StatusCode);
        var target = _origin.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using var intruder = AgentProcess.StartTcp(_server.Url, target, await CreateAuthtokenAsync(otherTeamId), "--remote-addr", $"localhost:{port}");
        Assert.Equal(4, await intruder.Process.WaitForExitAsync(Reaction, Cancel));
        Assert.Contains("ERR_FDT_2008", intruder.Process.Output, StringComparison.Ordinal);

        await using var owner = AgentProcess.StartTcp(_server.Url, target, await CreateAuthtokenAsync(_teamId), "--remote-addr", $"localhost:{port}");
        Assert.Equal($"tcp://localhost:{port}", await owner.WaitForUrlAsync());
    }

    [Fact]
    public async Task UploadedCertificate_IsPresentedForItsDomain()
    {
        using var certificate = TestCertificates.SelfSigned("custom.example.test");
        var trusted = Path.Combine(_dataDirectory, "custom.pem");
        await File.WriteAllTextAsync(trusted, certificate.ExportCertificatePem(), Cancel);

        using var upload = await _api.PutAsJsonAsync("/v1/certificates/custom.example.test", new { certificate = certificate.ExportCertificatePem(), privateKey = TestCertificates.PrivateKeyPem(certificate) }, Cancel);
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);

        // The listener reloads the store when the API says it changed.
        string output = string.Empty;
        await Eventually.TrueAsync(
            async () =>
            {
                await using var openssl = TestProcess.Start("openssl", ["s_client", "-connect", $"127.0.0.1:{_server.HttpsPort}", "-servername", "custom.example.test", "-CAfile", trusted, "-verify_hostname", "custom.example.test", "-verify_return_error", "-brief"]);
                openssl.CloseInput();
                var exit = await openssl.WaitForExitAsync(TimeSpan.FromSeconds(30), Cancel);
                output = openssl.Output;
                return exit == 0 && openssl.StandardError.Contains("Verification: OK", StringComparison.Ordinal);
            },
            "the HTTPS listener does not present the uploaded certificate",
            Reaction,
            Cancel);
        Assert.Contains("custom.example.test", output, StringComparison.Ordinal);
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private async Task<string> CreateAuthtokenAsync(Guid teamId)
    {
        using var response = await _api.PostAsJsonAsync($"/v1/teams/{teamId}/authtokens", new { description = "e2e" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("token").GetString()!;
    }

    private async Task<JsonElement> WaitForTunnelAsync(Func<JsonElement, bool> match)
    {
        JsonElement found = default;
        await WaitForTunnelsAsync(list =>
        {
            foreach (var tunnel in list.EnumerateArray())
            {
                if (match(tunnel))
                {
                    found = tunnel;
                    return true;
                }
            }

            return false;
        });
        return found;
    }

    private Task WaitForTunnelsAsync(Func<JsonElement, bool> condition)
        => Eventually.TrueAsync(
            async () => condition(await _api.GetFromJsonAsync<JsonElement>($"/v1/teams/{_teamId}/tunnels", Cancel)),
            "the API does not show the expected tunnels",
            Reaction,
            Cancel);
}

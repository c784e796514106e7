using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Fdt.Testing;

namespace Fdt.EndToEnd.Tests;

/// <summary>
/// The first operator of a server with accounts, acting through the server's HTTP API as the web
/// console does: created with <c>POST /v1/setup</c>, deciding device logins with <c>POST /v1/device/approve</c>.
/// </summary>
internal sealed class ServerOperator : IDisposable
{
    public const string Email = "operator@example.com";
    public const string Password = "correct horse battery staple";

    private readonly HttpClient _http;

    private ServerOperator(HttpClient http, Guid teamId, string teamName)
    {
        _http = http;
        TeamId = teamId;
        TeamName = teamName;
    }

    /// <summary>The operator's own team, which device logins are approved for.</summary>
    public Guid TeamId { get; }

    public string TeamName { get; }

    /// <summary>A client signed in as the operator, with the server's URL as its base address.</summary>
    public HttpClient Client => _http;

    /// <summary>Creates the server's first user (an operator with a team) and signs them in.</summary>
    public static async Task<ServerOperator> CreateFirstAsync(ServerProcess server, string email = Email, string displayName = "Operator")
    {
        var ct = TestContext.Current.CancellationToken;
        var http = LoopbackHttp.CreateClient(server.Port);
        http.BaseAddress = server.Url;
        using (var setup = await http.PostAsJsonAsync("/v1/setup", new { email, displayName, password = Password }, ct))
        {
            Assert.True(setup.StatusCode == HttpStatusCode.Created, $"{setup.StatusCode}\n{server.Process.Output}");
            using var session = JsonDocument.Parse(await setup.Content.ReadAsStringAsync(ct));
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.RootElement.GetProperty("accessToken").GetString());
        }

        using var teams = JsonDocument.Parse(await http.GetStringAsync("/v1/teams", ct));
        var team = Assert.Single(teams.RootElement.EnumerateArray());
        return new ServerOperator(http, team.GetProperty("id").GetGuid(), team.GetProperty("name").GetString()!);
    }

    /// <summary>The pending device login with this user code, as the approval page shows it.</summary>
    public async Task<JsonElement> DescribeDeviceAsync(string userCode)
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync($"/v1/device/{Uri.EscapeDataString(userCode)}", TestContext.Current.CancellationToken));
        return document.RootElement.Clone();
    }

    /// <summary>Approves (or denies) the device login with this user code for the operator's team.</summary>
    public async Task DecideAsync(string userCode, bool approve)
    {
        using var response = await _http.PostAsJsonAsync("/v1/device/approve", new { userCode, teamId = TeamId, approve }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public void Dispose() => _http.Dispose();
}

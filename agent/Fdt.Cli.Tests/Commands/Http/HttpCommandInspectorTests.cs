using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Fdt.Agent.Events;
using Fdt.Agent.Inspection.Web;
using Fdt.Cli.Configuration;
using Fdt.Testing;

namespace Fdt.Cli.Tests.Commands.Http;

/// <summary><c>fdt http</c> with its local inspector: a real server on loopback, never port 4040.</summary>
public sealed class HttpCommandInspectorTests : IDisposable
{
    private readonly TestCli _cli = new();
    private readonly TaskCompletionSource _online = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HttpCommandInspectorTests()
    {
        _cli.Environment.Set(EnvironmentVariables.Authtoken, "tok");
        _cli.AgentScript = async (options, cancellationToken) =>
        {
            options.OnEvent!(new TunnelStartedEvent(TestCli.Start, "t1", "abc", ["http://abc.localhost:8080"], "http://localhost:3000", NameChanged: false));
            _online.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
        };
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Run_InspectAddr_ServesTheInspectorAndPrintsItsUrlAfterTheTunnel()
    {
        var (exitCode, lines) = await RunOnlineAsync(async lines =>
        {
            var started = await WaitForEventAsync(lines, "inspector_started");
            var url = started.GetProperty("url").GetString()!;
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", url);
            using var client = new HttpClient();
            using var list = JsonDocument.Parse(await client.GetStringAsync(url + "/api/requests", Ct));
            Assert.Equal(0, list.RootElement.GetProperty("total").GetInt32());
        }, "http", "3000", "--log", "json", "--inspect-addr", "127.0.0.1:0");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(["tunnel_started", "inspector_started", "stopped"], lines.Select(EventName));
        Assert.NotNull(Assert.Single(_cli.Agents).Options.Capture);
    }

    [Fact]
    public async Task Run_InspectFalse_CapturesAndServesNothing()
    {
        var port = FreePort();
        _cli.DefaultInspectAddress = new InspectorAddress("127.0.0.1", port);

        var (exitCode, lines) = await RunOnlineAsync(async _ =>
        {
            using var client = new TcpClient();
            await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port, Ct).AsTask());
        }, "http", "3000", "--log", "json", "--inspect=false");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(["tunnel_started", "stopped"], lines.Select(EventName));
        Assert.Null(Assert.Single(_cli.Agents).Options.Capture);
    }

    [Fact]
    public async Task Run_DefaultPortTaken_MovesToTheNextPort()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        _cli.DefaultInspectAddress = new InspectorAddress("127.0.0.1", port);

        var (exitCode, _) = await RunOnlineAsync(async lines =>
        {
            var url = new Uri((await WaitForEventAsync(lines, "inspector_started")).GetProperty("url").GetString()!);
            Assert.InRange(url.Port, port + 1, port + 9);
        }, "http", "3000", "--log", "json");

        Assert.Equal(ExitCodes.Success, exitCode);
    }

    [Fact]
    public async Task Run_NamedAddressTaken_ExitsWithUsageError()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var exitCode = await _cli.RunAsync("http", "3000", "--log", "text", "--inspect-addr", $"127.0.0.1:{port}");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains($"The inspector cannot listen on 127.0.0.1:{port}", _cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--inspect=false", _cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TcpTunnel_HasNoInspector()
    {
        _cli.DefaultInspectAddress = new InspectorAddress("127.0.0.1", 0);

        var (exitCode, lines) = await RunOnlineAsync(static _ => Task.CompletedTask, "tcp", "5432", "--log", "json");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.DoesNotContain(lines, line => EventName(line) == "inspector_started");
        Assert.Null(Assert.Single(_cli.Agents).Options.Capture);
    }

    /// <summary>Runs fdt until the agent is online, runs <paramref name="whileOnline"/>, then stops it as Ctrl+C would.</summary>
    private async Task<(int ExitCode, string[] Lines)> RunOnlineAsync(Func<Func<string[]>, Task> whileOnline, params string[] args)
    {
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = CliApplication.RunAsync(args, _cli.CreateContext(), interrupt.Token);
        await Task.WhenAny(_online.Task, run).Unwrap().WaitAsync(Ct);
        Assert.True(_online.Task.IsCompleted, _cli.Error.ToString());
        await whileOnline(() => Lines(_cli.Out));
        await interrupt.CancelAsync();
        var exitCode = await run;
        return (exitCode, Lines(_cli.Out));
    }

    private static async Task<JsonElement> WaitForEventAsync(Func<string[]> lines, string name)
    {
        JsonElement? found = null;
        await Eventually.TrueAsync(
            () =>
            {
                found = lines().Where(l => EventName(l) == name).Select(l => JsonDocument.Parse(l).RootElement.Clone()).Cast<JsonElement?>().FirstOrDefault();
                return found is not null;
            },
            $"fdt printed no {name}",
            cancellationToken: Ct);
        return found!.Value;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The complete lines written so far (the renderer may be writing the next one).</summary>
    private static string[] Lines(StringWriter writer)
    {
        var text = writer.ToString();
        return text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string EventName(string line)
    {
        using var json = JsonDocument.Parse(line);
        return json.RootElement.GetProperty("event").GetString()!;
    }
}

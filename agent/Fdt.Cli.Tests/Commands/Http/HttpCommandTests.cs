using System.Text.Json;
using Fdt.Agent;
using Fdt.Agent.Events;
using Fdt.Agent.Http;
using Fdt.Cli.Configuration;
using Fdt.Protocol;
using Fdt.Protocol.Control;

namespace Fdt.Cli.Tests.Commands.Http;

public sealed class HttpCommandTests : IDisposable
{
    private readonly TestCli _cli = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_MissingAuthtoken_ExitsWithUsageErrorAndHint()
    {
        var exitCode = await _cli.RunAsync("http", "3000", "--log", "text");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Empty(_cli.Agents);
        var error = _cli.Error.ToString();
        Assert.StartsWith("ERROR: ", error, StringComparison.Ordinal);
        Assert.Contains("Run `fdt login`", error, StringComparison.Ordinal);
        Assert.Contains("fdt config add-authtoken <token>", error, StringComparison.Ordinal);
        Assert.Contains("--authtoken", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.Out.ToString());
    }

    [Fact]
    public async Task Run_MissingAuthtokenWithJsonLog_PrintsErrorLine()
    {
        var exitCode = await _cli.RunAsync("http", "3000", "--log", "json");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        var line = Assert.Single(Lines(_cli.Out));
        using var json = JsonDocument.Parse(line);
        Assert.Equal("error", json.RootElement.GetProperty("event").GetString());
        Assert.Equal("error", json.RootElement.GetProperty("level").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("exit_code").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("code").ValueKind);
        Assert.Contains("fdt config add-authtoken", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadConfigFile_ExitsWithUsageError()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_cli.ConfigPath)!);
        await File.WriteAllTextAsync(_cli.ConfigPath, "{ not json", Ct);

        var exitCode = await _cli.RunAsync("http", "3000", "--log", "text", "--authtoken", "tok");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains(_cli.ConfigPath, _cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_cli.Agents);
    }

    [Fact]
    public async Task Run_InvalidServerFlag_ExitsWithUsageError()
    {
        var exitCode = await _cli.RunAsync("http", "3000", "--log", "text", "--authtoken", "tok", "--server", "localhost:8080");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.Contains("--server", _cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AllOptions_BuildsAgentOptions()
    {
        _cli.Environment.Set(EnvironmentVariables.Authtoken, "from-env-token");
        _cli.AgentScript = static (_, _) => Task.CompletedTask;

        var exitCode = await _cli.RunAsync(
            "http", "https://127.0.0.1:8443", "--log", "none", "--subdomain", "myapp", "--server", "https://fdt.example.com:9443",
            "--host-header", "rewrite", "--insecure", "--transport", "upgrade");

        Assert.Equal(ExitCodes.Success, exitCode);
        var options = Assert.Single(_cli.Agents).Options;
        Assert.Equal(new Uri("https://fdt.example.com:9443"), options.ServerUrl);
        Assert.Equal("from-env-token", options.Authtoken);
        Assert.True(options.InsecureSkipVerify);
        Assert.Equal(AgentTransport.Upgrade, options.Transport);
        Assert.NotNull(options.OnEvent);
        Assert.Equal(CliVersion.Current, options.AgentVersion);
        var tunnel = Assert.Single(options.Tunnels);
        Assert.Equal(TunnelProtocol.Http, tunnel.Protocol);
        Assert.Equal(new LocalTarget("127.0.0.1", 8443, UseTls: true), tunnel.Target);
        Assert.Equal("myapp", tunnel.Name);
        Assert.Equal("rewrite", tunnel.HostHeader);
    }

    [Fact]
    public async Task Run_NoOptions_UsesDefaultServerAndRandomName()
    {
        _cli.Environment.Set(EnvironmentVariables.Authtoken, "tok");
        _cli.AgentScript = static (_, _) => Task.CompletedTask;

        await _cli.RunAsync("http", "3000", "--log", "none");

        var options = Assert.Single(_cli.Agents).Options;
        Assert.Equal(new Uri("http://localhost:8080"), options.ServerUrl);
        Assert.False(options.InsecureSkipVerify);
        var tunnel = Assert.Single(options.Tunnels);
        Assert.Null(tunnel.Name);
        Assert.Null(tunnel.HostHeader);
    }

    [Fact]
    public async Task Run_CanceledWhileOnline_ExitsZeroAfterPrintingEventsAndStopped()
    {
        _cli.Environment.Set(EnvironmentVariables.Authtoken, "tok");
        var online = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cli.AgentScript = async (options, cancellationToken) =>
        {
            var now = TestCli.Start;
            options.OnEvent!(new ConnectingEvent(now, options.ServerUrl, 0));
            options.OnEvent(new SessionStartedEvent(now, "s1", "dev", "edge-1", Resumed: false));
            options.OnEvent(new TunnelStartedEvent(now, "t1", "abc", ["http://abc.localhost:8080"], "http://localhost:3000", NameChanged: false));
            options.OnEvent(new RequestEvent(now, "abc", new HttpExchange { Method = "GET", Target = "/", Status = 200, Reason = "OK", Duration = TimeSpan.FromMilliseconds(2) }));
            online.SetResult();

            // Like TunnelAgent: return normally once canceled.
            await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
        };
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = CliApplication.RunAsync(["http", "3000", "--log", "json"], _cli.CreateContext(), interrupt.Token);
        await online.Task.WaitAsync(Ct);
        await interrupt.CancelAsync();
        var exitCode = await run;

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(["tunnel_started", "request", "stopped"], Lines(_cli.Out).Select(EventName));
        Assert.Equal(string.Empty, _cli.Error.ToString());
    }

    [Fact]
    public async Task Run_AgentThrowsCancellationWhenCanceled_ExitsZero()
    {
        _cli.Environment.Set(EnvironmentVariables.Authtoken, "tok");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cli.AgentScript = async (_, cancellationToken) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        };
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = CliApplication.RunAsync(["http", "3000", "--log", "text"], _cli.CreateContext(), interrupt.Token);
        await started.Task.WaitAsync(Ct);
        await interrupt.CancelAsync();

        Assert.Equal(ExitCodes.Success, await run);
        Assert.EndsWith("stopped", _cli.Out.ToString().TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AgentFailsWhileClosingAfterCancel_ExitsZero()
    {
        _cli.Environment.Set(EnvironmentVariables.Authtoken, "tok");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cli.AgentScript = async (_, cancellationToken) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
            throw new InvalidOperationException("failed while closing");
        };
        using var interrupt = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = CliApplication.RunAsync(["http", "3000", "--log", "json"], _cli.CreateContext(), interrupt.Token);
        await started.Task.WaitAsync(Ct);
        await interrupt.CancelAsync();

        Assert.Equal(ExitCodes.Success, await run);
        Assert.Equal(["stopped"], Lines(_cli.Out).Select(EventName));
    }

    public static TheoryData<AgentFailure, int> Failures => new()
    {
        { AgentFailure.AuthenticationFailed, 3 },
        { AgentFailure.TunnelRefused, 4 },
        { AgentFailure.ServerUnreachable, 5 },
        { AgentFailure.TunnelStopped, 6 },
        { AgentFailure.IncompatibleServer, 7 },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Run_AgentFails_ExitsWithMappedCodeAndReportsOnStandardError(AgentFailure failure, int expected)
    {
        _cli.Environment.Set(EnvironmentVariables.Authtoken, "tok");
        _cli.AgentScript = (_, _) => throw new AgentException(failure, "ERR_FDT_9999", "it failed");

        var exitCode = await _cli.RunAsync("http", "3000", "--log", "text");

        Assert.Equal(expected, exitCode);
        Assert.StartsWith("ERROR: it failed (ERR_FDT_9999)", _cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AuthenticationFailedWithJsonLog_PrintsErrorWithServerCode()
    {
        _cli.Environment.Set(EnvironmentVariables.Authtoken, "wrong-token-value");
        _cli.AgentScript = static (_, _) => throw new AgentException(AgentFailure.AuthenticationFailed, ErrorCodes.AuthenticationFailed, "The authtoken is not valid for this server.");

        var exitCode = await _cli.RunAsync("http", "3000", "--log", "json");

        Assert.Equal(ExitCodes.AuthenticationFailed, exitCode);
        using var json = JsonDocument.Parse(Assert.Single(Lines(_cli.Out)));
        Assert.Equal("error", json.RootElement.GetProperty("event").GetString());
        Assert.Equal(ErrorCodes.AuthenticationFailed, json.RootElement.GetProperty("code").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("exit_code").GetInt32());
        Assert.Equal("The authtoken is not valid for this server.", json.RootElement.GetProperty("message").GetString());
        Assert.Contains("fdt config add-authtoken", json.RootElement.GetProperty("hint").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-token-value", _cli.Out.ToString() + _cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NameInUse_HintsAnotherSubdomain()
    {
        _cli.Environment.Set(EnvironmentVariables.Authtoken, "tok");
        _cli.AgentScript = static (_, _) => throw new AgentException(AgentFailure.TunnelRefused, ErrorCodes.NameInUse, "The name 'myapp' is in use.");

        var exitCode = await _cli.RunAsync("http", "3000", "--log", "none", "--subdomain", "myapp");

        Assert.Equal(ExitCodes.TunnelRefused, exitCode);
        Assert.Contains("HINT: ", _cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--subdomain", _cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, _cli.Out.ToString());
    }

    [Fact]
    public async Task Run_UnexpectedException_ExitsOne()
    {
        _cli.Environment.Set(EnvironmentVariables.Authtoken, "tok");
        _cli.AgentScript = static (_, _) => throw new InvalidOperationException("boom");

        var exitCode = await _cli.RunAsync("http", "3000", "--log", "text");

        Assert.Equal(ExitCodes.UnexpectedError, exitCode);
        Assert.Contains("boom", _cli.Error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();

    private static string[] Lines(StringWriter writer)
        => writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string EventName(string line)
    {
        using var json = JsonDocument.Parse(line);
        return json.RootElement.GetProperty("event").GetString()!;
    }
}

using Fdt.Agent;
using Fdt.Testing;

namespace Fdt.Cli.Tests;

/// <summary>A <see cref="CliContext"/> whose output, environment, clock and agent belong to one test.</summary>
internal sealed class TestCli : IDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 1, 2, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();

    public TestCli()
    {
        Environment = new TestEnvironment(_directory.Combine("appdata"));
        Environment.Set("FDT_CONFIG", ConfigPath);
    }

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public TestEnvironment Environment { get; }

    public FakeTimeProvider TimeProvider { get; } = new(Start);

    /// <summary>The config file this test's fdt uses (through FDT_CONFIG).</summary>
    public string ConfigPath => _directory.Combine("config", "config.json");

    public TempDirectory Directory => _directory;

    /// <summary>What the agent does when <c>fdt http</c> runs it; by default it waits for cancellation.</summary>
    public Func<AgentOptions, CancellationToken, Task> AgentScript { get; set; } = static async (_, cancellationToken) =>
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
    };

    public List<FakeTunnelAgent> Agents { get; } = [];

    public bool IsOutputTerminal { get; set; }

    /// <summary>Where fdt http serves its inspector without --inspect-addr: nowhere by default, so tests never take port 4040.</summary>
    public Fdt.Agent.Inspection.Web.InspectorAddress? DefaultInspectAddress { get; set; }

    /// <summary>The URLs fdt asked to open in a browser (none is ever launched).</summary>
    public List<Uri> OpenedUrls { get; } = [];

    public CliContext CreateContext() => new()
    {
        Out = Out,
        Error = Error,
        Environment = Environment,
        IsOutputTerminal = IsOutputTerminal,
        TimeProvider = TimeProvider,
        TimeZone = TimeZoneInfo.Utc,
        CreateAgent = CreateAgent,
        OpenBrowser = OpenBrowser,
        DefaultInspectAddress = DefaultInspectAddress,
    };

    public Task<int> RunAsync(params string[] args) => CliApplication.RunAsync(args, CreateContext(), TestContext.Current.CancellationToken);

    public void Dispose()
    {
        Out.Dispose();
        Error.Dispose();
        _directory.Dispose();
    }

    private bool OpenBrowser(Uri url)
    {
        lock (OpenedUrls)
        {
            OpenedUrls.Add(url);
        }

        return true;
    }

    private FakeTunnelAgent CreateAgent(AgentOptions options)
    {
        var agent = new FakeTunnelAgent(options, AgentScript);
        lock (Agents)
        {
            Agents.Add(agent);
        }

        return agent;
    }
}

using Fdt.Server.Hosting;

namespace Fdt.Server.Tests.Hosting;

public sealed class ServerCommandTests
{
    [Fact]
    public async Task MetricsPort_Given_IsInTheSettings()
    {
        var (exitCode, settings) = await ParseAsync("--listen", "127.0.0.1", "--metrics-port", "0");

        Assert.Equal(0, exitCode);
        Assert.Equal(0, settings!.MetricsPort);
    }

    [Fact]
    public async Task MetricsPort_Omitted_IsNull()
    {
        var (exitCode, settings) = await ParseAsync();

        Assert.Equal(0, exitCode);
        Assert.Null(settings!.MetricsPort);
    }

    [Theory]
    [InlineData("--metrics-port", "70000")]
    [InlineData("--metrics-port", "8080")]
    [InlineData("--metrics-port", "0")]
    public async Task MetricsPort_OutOfRangeTakenOrFreeOnLocalhost_IsAUsageError(params string[] arguments)
    {
        var (exitCode, settings) = await ParseAsync(arguments);

        Assert.Equal(2, exitCode);
        Assert.Null(settings);
    }

    private static async Task<(int ExitCode, ServerSettings? Settings)> ParseAsync(params string[] arguments)
    {
        ServerSettings? seen = null;
        var root = ServerCommand.Create((settings, _, _) =>
        {
            seen = settings;
            return Task.FromResult(0);
        });
        var exitCode = await root.Parse(arguments).InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);
        return (exitCode, seen);
    }
}

namespace Fdt.Agent.Tests;

public sealed class TunnelAgentTests
{
    private static TunnelAgent Create(TimeSpan initial, TimeSpan max) => new(new AgentOptions
    {
        ServerUrl = new Uri("http://localhost:8080"),
        Authtoken = "t",
        Tunnels = [new TunnelDefinition { Target = new LocalTarget("localhost", 3000) }],
        ReconnectInitialDelay = initial,
        ReconnectMaxDelay = max,
    });

    [Fact]
    public void Backoff_GrowsExponentiallyWithJitterAndCaps()
    {
        var agent = Create(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var ceiling = Math.Min(5000, 100 * Math.Pow(2, attempt));
            for (var sample = 0; sample < 50; sample++)
            {
                var delay = agent.Backoff(attempt).TotalMilliseconds;
                Assert.InRange(delay, ceiling / 2, ceiling);
            }
        }
    }

    [Fact]
    public void Backoff_IsJittered()
    {
        var agent = Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        var delays = Enumerable.Range(0, 20).Select(_ => agent.Backoff(3)).Distinct().Count();
        Assert.True(delays > 10);
    }

    [Theory]
    [InlineData("http://localhost:8080", "ws://localhost:8080/_fdt/agent")]
    [InlineData("https://tunnel.example.com", "wss://tunnel.example.com/_fdt/agent")]
    [InlineData("https://tunnel.example.com:8443/some/path?x=1", "wss://tunnel.example.com:8443/_fdt/agent")]
    public void AgentEndpoint_MapsServerUrlToWebSocketEndpoint(string server, string expected)
    {
        Assert.Equal(new Uri(expected), TunnelAgent.AgentEndpoint(new Uri(server)));
    }

    [Fact]
    public void Constructor_WithoutTunnels_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TunnelAgent(new AgentOptions { ServerUrl = new Uri("http://x"), Authtoken = "t", Tunnels = [] }));
    }
}

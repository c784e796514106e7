using System.Text;
using Fdt.Edge.Listeners;
using Fdt.Edge.Routing;

namespace Fdt.Edge.Tests.Listeners;

public sealed class AgentUpgradeRequestTests
{
    private static readonly HostNameRouter Router = new("localhost");

    [Fact]
    public void Match_AgentUpgrade_ReturnsHeadLength()
    {
        var head = "GET /_fdt/agent HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: Upgrade\r\nUpgrade: fdt-mux/1\r\nUser-Agent: fdt/0.1.0\r\n\r\n";
        var bytes = Encoding.ASCII.GetBytes(head + "extra mux bytes");
        Assert.Equal(head.Length, AgentUpgradeRequest.Match(bytes, Router));
    }

    [Theory]
    [InlineData("GET /_fdt/agent HTTP/1.1\r\nHost: myapp.localhost:8080\r\nConnection: Upgrade\r\nUpgrade: fdt-mux/1\r\n\r\n")] // a tunnel's own path
    [InlineData("GET /_fdt/agent HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")]
    [InlineData("GET /_fdt/agent HTTP/1.1\r\nHost: localhost\r\nUpgrade: fdt-mux/1\r\n\r\n")]
    [InlineData("GET /_fdt/agent HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: fdt-mux/1\r\n\r\n")]
    [InlineData("GET /_fdt/agent HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: fdt-mux/1\r\nContent-Length: 3\r\n\r\n")]
    [InlineData("GET /_fdt/agent HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: fdt-mux/1\r\n")] // incomplete
    [InlineData("GET /_fdt/agentx HTTP/1.1\r\nHost: localhost\r\n\r\n")]
    [InlineData("POST /_fdt/agent HTTP/1.1\r\nHost: localhost\r\n\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")]
    public void Match_AnythingElse_IsLeftToKestrel(string head)
    {
        Assert.Equal(0, AgentUpgradeRequest.Match(Encoding.ASCII.GetBytes(head), Router));
    }

    [Theory]
    [InlineData("G", true)]
    [InlineData("GET /_fdt/ag", true)]
    [InlineData("GET / HTTP/1.1", false)]
    [InlineData("\x16\x03\x01", false)]
    public void MayBeAgent_ChecksThePrefix(string start, bool expected)
    {
        Assert.Equal(expected, AgentUpgradeRequest.MayBeAgent(Encoding.Latin1.GetBytes(start)));
    }
}

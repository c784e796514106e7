using Fdt.Agent.Inspection.Web;

namespace Fdt.Agent.Tests.Inspection.Web;

public sealed class InspectorAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:4040", "127.0.0.1", 4040)]
    [InlineData("localhost:0", "localhost", 0)]
    [InlineData("[::1]:5000", "::1", 5000)]
    [InlineData("0.0.0.0:4040", "0.0.0.0", 4040)]
    public void TryParse_Valid(string value, string host, int port)
    {
        Assert.True(InspectorAddress.TryParse(value, out var address, out _));
        Assert.Equal(new InspectorAddress(host, port), address);
    }

    [Theory]
    [InlineData("4040")]
    [InlineData(":4040")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("::1:4040")]
    [InlineData("[nothost]:4040")]
    [InlineData("http://127.0.0.1:4040")]
    public void TryParse_Invalid(string value) => Assert.False(InspectorAddress.TryParse(value, out _, out _));
}

using Fdt.Edge.Forwarding;
using Microsoft.Extensions.Primitives;

namespace Fdt.Edge.Tests.Forwarding;

public sealed class HttpHeaderRulesTests
{
    [Theory]
    [InlineData("Connection")]
    [InlineData("keep-alive")]
    [InlineData("Transfer-Encoding")]
    [InlineData("Upgrade")]
    [InlineData("TE")]
    [InlineData("Trailer")]
    [InlineData("Proxy-Connection")]
    [InlineData("Proxy-Authorization")]
    public void IsHopByHop_RfcListedHeaders_AreHopByHop(string name)
    {
        Assert.True(HttpHeaderRules.IsHopByHop(name));
    }

    [Theory]
    [InlineData("Content-Type")]
    [InlineData("Authorization")]
    [InlineData("Cookie")]
    public void IsHopByHop_EndToEndHeaders_AreNot(string name)
    {
        Assert.False(HttpHeaderRules.IsHopByHop(name));
    }

    [Fact]
    public void IsNamedByConnection_FindsListedTokens()
    {
        var connection = new StringValues(["keep-alive, X-Private", "close"]);
        Assert.True(HttpHeaderRules.IsNamedByConnection(connection, "x-private"));
        Assert.True(HttpHeaderRules.IsNamedByConnection(connection, "Close"));
        Assert.False(HttpHeaderRules.IsNamedByConnection(connection, "X-Other"));
    }

    [Theory]
    [InlineData("trailers", true)]
    [InlineData(" Trailers ", true)]
    [InlineData("gzip", false)]
    public void IsTeTrailers_OnlyTrailers(string value, bool expected)
    {
        Assert.Equal(expected, HttpHeaderRules.IsTeTrailers(value));
    }
}

using Fdt.Edge.Errors;
using Microsoft.AspNetCore.Http;

namespace Fdt.Edge.Tests.Errors;

public sealed class ErrorPageWriterTests
{
    [Theory]
    [InlineData("", false)]
    [InlineData("text/html,application/xhtml+xml,*/*;q=0.8", false)]
    [InlineData("application/json", true)]
    [InlineData("application/problem+json", true)]
    [InlineData("*/*", false)]
    public void PrefersJson_FollowsAcceptHeader(string accept, bool json)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Accept = accept;
        Assert.Equal(json, ErrorPageWriter.PrefersJson(context.Request));
    }

    [Fact]
    public async Task WriteAsync_Html_HasCodeStatusAndEscapedHost()
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("<script>.localhost");
        context.Response.Body = new MemoryStream();
        await ErrorPageWriter.WriteAsync(context, EdgeError.TunnelNotFound);

        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal("ERR_FDT_1001", context.Response.Headers["Fdt-Error-Code"].ToString());
        var html = System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        Assert.Contains("ERR_FDT_1001", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void StandardErrors_HaveDistinctStableCodes()
    {
        EdgeError[] errors = [EdgeError.TunnelNotFound, EdgeError.AgentUnavailable, EdgeError.LocalServiceUnavailable, EdgeError.UpstreamTimeout, EdgeError.InvalidUpstreamResponse, EdgeError.BadRequest];
        Assert.Equal(errors.Length, errors.Select(e => e.Code).Distinct().Count());
        Assert.Equal([404, 502, 502, 504, 502, 400], errors.Select(e => e.Status));
        Assert.Equal(EdgeError.AgentUnavailable.Code, EdgeError.AgentOffline.Code);
    }
}

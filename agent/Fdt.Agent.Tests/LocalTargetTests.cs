namespace Fdt.Agent.Tests;

public sealed class LocalTargetTests
{
    [Theory]
    [InlineData("3000", "localhost", 3000, false, "http://localhost:3000")]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080, false, "http://127.0.0.1:8080")]
    [InlineData("myhost:81", "myhost", 81, false, "http://myhost:81")]
    [InlineData("http://localhost:5000", "localhost", 5000, false, "http://localhost:5000")]
    [InlineData("https://localhost:8443", "localhost", 8443, true, "https://localhost:8443")]
    [InlineData("https://example.test", "example.test", 443, true, "https://example.test:443")]
    [InlineData("[::1]:9000", "::1", 9000, false, "http://[::1]:9000")]
    public void TryParse_AcceptedForms_Parse(string input, string host, int port, bool tls, string display)
    {
        Assert.True(LocalTarget.TryParse(input, out var target, out var error), error);
        Assert.Equal(new LocalTarget(host, port, tls), target);
        Assert.Equal(display, target.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("host")]
    [InlineData("host:")]
    [InlineData("ftp://host:21")]
    [InlineData("http://localhost:3000/path")]
    public void TryParse_Invalid_ReturnsError(string input)
    {
        Assert.False(LocalTarget.TryParse(input, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}

using Fdt.Cli.Commands.Login;

namespace Fdt.Cli.Tests.Commands.Login;

public sealed class BrowserTests
{
    private readonly TestEnvironment _environment = new("/home/user/.config");

    [Theory]
    [InlineData("DISPLAY", ":0")]
    [InlineData("WAYLAND_DISPLAY", "wayland-0")]
    public void IsAvailable_GraphicalSession_True(string variable, string value)
    {
        _environment.Set(variable, value);

        Assert.True(Browser.IsAvailable(_environment));
    }

    [Fact]
    public void IsAvailable_LinuxWithoutDisplay_False()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Windows and macOS always have a browser to ask for.");
        _environment.Set("DISPLAY", " ");

        Assert.False(Browser.IsAvailable(_environment));
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://example.com/")]
    public void TryOpen_NotAWebUrl_RefusesWithoutLaunchingAnything(string url)
    {
        Assert.False(Browser.TryOpen(new Uri(url)));
    }
}

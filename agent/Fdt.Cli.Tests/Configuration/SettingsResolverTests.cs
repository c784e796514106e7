using Fdt.Cli.Configuration;

namespace Fdt.Cli.Tests.Configuration;

public sealed class SettingsResolverTests
{
    private const string ConfigPath = "/home/user/.config/fdt/config.json";

    private static readonly CliConfig File = new() { Server = "http://file.example.com/", Authtoken = "file-token" };

    private readonly TestEnvironment _environment = new("/home/user/.config");

    [Fact]
    public void Resolve_FlagsEnvironmentAndFile_FlagsWin()
    {
        _environment.Set("FDT_SERVER", "http://env.example.com").Set("FDT_AUTHTOKEN", "env-token");

        var settings = SettingsResolver.Resolve("https://flag.example.com", "flag-token", _environment, File, ConfigPath);

        Assert.Equal(new Uri("https://flag.example.com"), settings.Server);
        Assert.Equal("flag-token", settings.Authtoken);
    }

    [Fact]
    public void Resolve_EnvironmentAndFile_EnvironmentWins()
    {
        _environment.Set("FDT_SERVER", "http://env.example.com").Set("FDT_AUTHTOKEN", "env-token");

        var settings = SettingsResolver.Resolve(null, null, _environment, File, ConfigPath);

        Assert.Equal(new Uri("http://env.example.com"), settings.Server);
        Assert.Equal("env-token", settings.Authtoken);
    }

    [Fact]
    public void Resolve_OnlyFile_UsesFile()
    {
        var settings = SettingsResolver.Resolve(null, null, _environment, File, ConfigPath);

        Assert.Equal(new Uri("http://file.example.com/"), settings.Server);
        Assert.Equal("file-token", settings.Authtoken);
    }

    [Fact]
    public void Resolve_NoServerAnywhere_UsesLocalhost8080()
    {
        var settings = SettingsResolver.Resolve(null, "tok", _environment, CliConfig.Empty, ConfigPath);

        Assert.Equal(new Uri("http://localhost:8080"), settings.Server);
    }

    [Fact]
    public void Resolve_MixedSources_EachSettingResolvedOnItsOwn()
    {
        _environment.Set("FDT_AUTHTOKEN", "env-token");

        var settings = SettingsResolver.Resolve("http://flag.example.com", null, _environment, File, ConfigPath);

        Assert.Equal(new Uri("http://flag.example.com"), settings.Server);
        Assert.Equal("env-token", settings.Authtoken);
    }

    [Fact]
    public void Resolve_BlankFlagsAndEnvironment_FallThrough()
    {
        _environment.Set("FDT_SERVER", " ").Set("FDT_AUTHTOKEN", string.Empty);

        var settings = SettingsResolver.Resolve("", "  ", _environment, File, ConfigPath);

        Assert.Equal(new Uri("http://file.example.com/"), settings.Server);
        Assert.Equal("file-token", settings.Authtoken);
    }

    [Fact]
    public void Resolve_NoAuthtokenAnywhere_ThrowsUsageExceptionWithInstructions()
    {
        var exception = Assert.Throws<UsageException>(() => SettingsResolver.Resolve(null, null, _environment, CliConfig.Empty, ConfigPath));

        Assert.Contains("Run `fdt login`", exception.Message, StringComparison.Ordinal);
        Assert.Contains("fdt config add-authtoken <token>", exception.Message, StringComparison.Ordinal);
        Assert.Contains("--authtoken", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flag", "--server")]
    [InlineData("environment", "FDT_SERVER")]
    [InlineData("file", ConfigPath)]
    public void Resolve_InvalidServer_ThrowsUsageExceptionNamingTheSource(string source, string named)
    {
        const string Bad = "localhost:8080";
        if (source == "environment")
        {
            _environment.Set("FDT_SERVER", Bad);
        }

        var exception = Assert.Throws<UsageException>(() => SettingsResolver.Resolve(
            source == "flag" ? Bad : null,
            "tok",
            _environment,
            source == "file" ? new CliConfig { Server = Bad } : CliConfig.Empty,
            ConfigPath));

        Assert.Contains(named, exception.Message, StringComparison.Ordinal);
        Assert.Contains(Bad, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveServer_NoAuthtokenAnywhere_StillResolvesTheServer()
    {
        var server = SettingsResolver.ResolveServer(null, _environment, new CliConfig { Server = "https://file.example.com" }, ConfigPath);

        Assert.Equal(new Uri("https://file.example.com"), server);
    }

    [Fact]
    public void ResolveServer_FlagEnvironmentAndFile_SamePrecedenceAsResolve()
    {
        _environment.Set("FDT_SERVER", "http://env.example.com");

        Assert.Equal(new Uri("http://env.example.com"), SettingsResolver.ResolveServer(null, _environment, File, ConfigPath));
        Assert.Equal(new Uri("https://flag.example.com"), SettingsResolver.ResolveServer("https://flag.example.com", _environment, File, ConfigPath));
    }
}

using Fdt.Cli.Configuration;

namespace Fdt.Cli.Tests.Commands.Config;

public sealed class ConfigCommandTests : IDisposable
{
    private const string Token = "fdt_0123456789abcdefghijklmnop";

    private readonly TestCli _cli = new();

    private CliConfig Saved => new CliConfigStore(_cli.ConfigPath).Load();

    [Fact]
    public async Task AddAuthtoken_Token_SavesItAndConfirmsWithPathOnly()
    {
        var exitCode = await _cli.RunAsync("config", "add-authtoken", Token);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(Token, Saved.Authtoken);
        var output = _cli.Out.ToString();
        Assert.Equal($"Authtoken saved to {_cli.ConfigPath}", output.TrimEnd());
        Assert.DoesNotContain(Token, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAuthtoken_ExistingServer_KeepsServer()
    {
        await _cli.RunAsync("config", "set", "server", "https://fdt.example.com");

        await _cli.RunAsync("config", "add-authtoken", Token);

        Assert.Equal("https://fdt.example.com/", Saved.Server);
        Assert.Equal(Token, Saved.Authtoken);
    }

    [Fact]
    public async Task AddAuthtoken_TokenWithSpace_ExitsWithUsageError()
    {
        var exitCode = await _cli.RunAsync("config", "add-authtoken", "two words");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.False(File.Exists(_cli.ConfigPath));
    }

    [Theory]
    [InlineData("https://fdt.example.com", "https://fdt.example.com/")]
    [InlineData("http://localhost:8080", "http://localhost:8080/")]
    [InlineData(" http://10.0.0.5:9000/ ", "http://10.0.0.5:9000/")]
    public async Task SetServer_AbsoluteHttpUrl_SavesIt(string value, string expected)
    {
        var exitCode = await _cli.RunAsync("config", "set", "server", value);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(expected, Saved.Server);
        Assert.Contains(_cli.ConfigPath, _cli.Out.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost:8080")]
    [InlineData("fdt.example.com")]
    [InlineData("ftp://fdt.example.com")]
    [InlineData("/relative/path")]
    public async Task SetServer_NotAnAbsoluteHttpUrl_ExitsWithUsageErrorAndWritesNothing(string value)
    {
        var exitCode = await _cli.RunAsync("config", "set", "server", value);

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.StartsWith("ERROR: ", _cli.Error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.ConfigPath));
    }

    [Fact]
    public async Task Set_UnknownKey_ExitsWithUsageError()
    {
        var exitCode = await _cli.RunAsync("config", "set", "region", "eu");

        Assert.Equal(ExitCodes.UsageError, exitCode);
        Assert.False(File.Exists(_cli.ConfigPath));
    }

    [Fact]
    public async Task Show_SavedValues_PrintsPathServerAndMaskedAuthtoken()
    {
        await _cli.RunAsync("config", "add-authtoken", Token);
        await _cli.RunAsync("config", "set", "server", "https://fdt.example.com");
        _cli.Out.GetStringBuilder().Clear();

        var exitCode = await _cli.RunAsync("config", "show");

        Assert.Equal(ExitCodes.Success, exitCode);
        var output = _cli.Out.ToString();
        Assert.Contains($"Config file: {_cli.ConfigPath}", output, StringComparison.Ordinal);
        Assert.Contains("server:      https://fdt.example.com/", output, StringComparison.Ordinal);
        Assert.Contains("authtoken:   fdt_0123…", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, output, StringComparison.Ordinal);
        Assert.DoesNotContain("fdt_01234", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_NoFile_SaysNothingIsSet()
    {
        var exitCode = await _cli.RunAsync("config", "show");

        Assert.Equal(ExitCodes.Success, exitCode);
        var output = _cli.Out.ToString();
        Assert.Contains("(not created yet)", output, StringComparison.Ordinal);
        Assert.Contains("authtoken:   (not set)", output, StringComparison.Ordinal);
        Assert.Contains("default http://localhost:8080/", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_EnvironmentOverrides_NamesThemWithTheAuthtokenMasked()
    {
        _cli.Environment.Set(EnvironmentVariables.Server, "https://env.example.com");
        _cli.Environment.Set(EnvironmentVariables.Authtoken, "env_token_0123456789");

        await _cli.RunAsync("config", "show");

        var output = _cli.Out.ToString();
        Assert.Contains("FDT_SERVER is set and takes precedence: https://env.example.com", output, StringComparison.Ordinal);
        Assert.Contains("FDT_AUTHTOKEN is set and takes precedence: env_toke…", output, StringComparison.Ordinal);
        Assert.DoesNotContain("env_token_0123456789", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_NoSubcommand_ExitsWithUsageError()
    {
        var exitCode = await _cli.RunAsync("config");

        Assert.Equal(ExitCodes.UsageError, exitCode);
    }

    public void Dispose() => _cli.Dispose();
}

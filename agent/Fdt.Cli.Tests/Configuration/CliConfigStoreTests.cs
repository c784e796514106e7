using System.Runtime.Versioning;
using System.Text.Json;
using Fdt.Cli.Configuration;

namespace Fdt.Cli.Tests.Configuration;

public sealed class CliConfigStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void SaveThenLoad_BothValues_RoundTrip()
    {
        var store = new CliConfigStore(_directory.Combine("config.json"));
        var config = new CliConfig { Server = "https://fdt.example.com/", Authtoken = "tok_abc" };

        store.Save(config);

        Assert.Equal(config, new CliConfigStore(store.Path).Load());
    }

    [Fact]
    public async Task Save_Values_WritesJsonWithServerAndAuthtokenProperties()
    {
        var store = new CliConfigStore(_directory.Combine("config.json"));

        store.Save(new CliConfig { Server = "http://localhost:8080/", Authtoken = "tok" });

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(store.Path, Ct));
        Assert.Equal(["server", "authtoken"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("http://localhost:8080/", json.RootElement.GetProperty("server").GetString());
        Assert.Equal("tok", json.RootElement.GetProperty("authtoken").GetString());
    }

    [Fact]
    public void Load_MissingFile_ReturnsEmptyConfig()
    {
        var config = new CliConfigStore(_directory.Combine("absent", "config.json")).Load();

        Assert.Null(config.Server);
        Assert.Null(config.Authtoken);
    }

    [Fact]
    public void Save_MissingDirectories_CreatesThemOwnerOnly()
    {
        var store = new CliConfigStore(_directory.Combine("a", "fdt", "config.json"));

        store.Save(new CliConfig { Authtoken = "tok" });

        Assert.True(File.Exists(store.Path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory.Combine("a", "fdt")));
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Save_OnUnix_FileIsReadableByOwnerOnly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only.");
        var store = new CliConfigStore(_directory.Combine("config.json"));

        store.Save(new CliConfig { Authtoken = "secret" });

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Save_OverExistingWorldReadableFile_Tightens()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes only.");
        var path = _directory.Combine("config.json");
        await File.WriteAllTextAsync(path, """{"server":"http://old/"}""", Ct);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        new CliConfigStore(path).Save(new CliConfig { Server = "http://new/", Authtoken = "secret" });

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Save_Twice_LeavesOnlyTheConfigFile()
    {
        var store = new CliConfigStore(_directory.Combine("config.json"));

        store.Save(new CliConfig { Authtoken = "one" });
        store.Save(new CliConfig { Authtoken = "two" });

        Assert.Equal(["config.json"], Directory.GetFiles(_directory.Path).Select(Path.GetFileName));
        Assert.Equal("two", store.Load().Authtoken);
    }

    [Fact]
    public async Task Save_UnknownProperties_KeepsThem()
    {
        var path = _directory.Combine("config.json");
        await File.WriteAllTextAsync(path, """{"authtoken":"old","tunnels":{"web":{"port":3000}},"version":2}""", Ct);

        new CliConfigStore(path).Save(new CliConfig { Authtoken = "new" });

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path, Ct));
        Assert.Equal("new", json.RootElement.GetProperty("authtoken").GetString());
        Assert.Equal(3000, json.RootElement.GetProperty("tunnels").GetProperty("web").GetProperty("port").GetInt32());
        Assert.Equal(2, json.RootElement.GetProperty("version").GetInt32());
    }

    [Fact]
    public void Save_NullValue_OmitsProperty()
    {
        var store = new CliConfigStore(_directory.Combine("config.json"));

        store.Save(new CliConfig { Server = "http://a/" });

        Assert.DoesNotContain("authtoken", File.ReadAllText(store.Path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[1, 2]")]
    [InlineData("""{"server": 42}""")]
    [InlineData("""{"authtoken": true}""")]
    public async Task Load_InvalidContent_ThrowsUsageExceptionNamingTheFile(string content)
    {
        var path = _directory.Combine("config.json");
        await File.WriteAllTextAsync(path, content, Ct);

        var exception = Assert.Throws<UsageException>(() => new CliConfigStore(path).Load());

        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.NotNull(exception.Hint);
    }

    [Fact]
    public async Task Load_EmptyFile_ReturnsEmptyConfig()
    {
        var path = _directory.Combine("config.json");
        await File.WriteAllTextAsync(path, "\n", Ct);

        Assert.Equal(CliConfig.Empty, new CliConfigStore(path).Load());
    }

    [Fact]
    public void ResolvePath_FdtConfigSet_UsesIt()
    {
        var environment = new TestEnvironment(_directory.Combine("appdata")).Set("FDT_CONFIG", _directory.Combine("custom.json"));

        Assert.Equal(_directory.Combine("custom.json"), CliConfigStore.ResolvePath(environment));
    }

    [Fact]
    public void ResolvePath_FdtConfigUnsetOrBlank_UsesApplicationDataFdtConfigJson()
    {
        var environment = new TestEnvironment(_directory.Combine("appdata")).Set("FDT_CONFIG", "  ");

        Assert.Equal(_directory.Combine("appdata", "fdt", "config.json"), CliConfigStore.ResolvePath(environment));
    }

    [Fact]
    public void ResolvePath_NoApplicationDataFolder_ThrowsUsageException()
    {
        var environment = new TestEnvironment(string.Empty);

        var exception = Assert.Throws<UsageException>(() => CliConfigStore.ResolvePath(environment));

        Assert.Contains("FDT_CONFIG", exception.Hint, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}

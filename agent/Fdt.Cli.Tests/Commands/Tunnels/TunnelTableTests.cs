using Fdt.Cli.Commands.Tunnels;

namespace Fdt.Cli.Tests.Commands.Tunnels;

public sealed class TunnelTableTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Write_Tunnels_PadsColumnsAndMarksStopping()
    {
        var tunnels = new List<TunnelInfo>
        {
            new("t1", "abc", "http://abc.localhost:8080", "http://localhost:3000", "127.0.0.1", new DateTime(2025, 1, 2, 11, 55, 0, DateTimeKind.Utc), 7, Stopping: false),
            new("t-second", "web", "https://web.example.com", null, "203.0.113.9", new DateTime(2024, 12, 31, 9, 30, 0, DateTimeKind.Utc), 1234, Stopping: true),
        };
        using var output = new StringWriter();

        TunnelTable.Write(output, tunnels, Now, TimeZoneInfo.Utc);

        var expected =
            """
            ID        URL                        LOCAL                  CLIENT       STARTED                    REQUESTS  STATUS
            t1        http://abc.localhost:8080  http://localhost:3000  127.0.0.1    11:55:00 (5m ago)                 7  online
            t-second  https://web.example.com    -                      203.0.113.9  2024-12-31 09:30 (2d ago)      1234  stopping

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Write_ControlCharactersFromTheServer_Replaced()
    {
        var tunnel = new TunnelInfo("t1", "x", "http://x\u001b[31m", "local", "client", Now.UtcDateTime, 0, Stopping: false);
        using var output = new StringWriter();

        TunnelTable.Write(output, [tunnel], Now, TimeZoneInfo.Utc);

        Assert.DoesNotContain('\u001b', output.ToString());
        Assert.Contains("http://x?[31m", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Started_TimeWithoutZone_ReadAsUtcAndShownInTheGivenZone()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("plus2", TimeSpan.FromHours(2), "plus2", "plus2");

        var started = TunnelTable.Started(new DateTime(2025, 1, 2, 11, 0, 0, DateTimeKind.Unspecified), Now, zone);

        Assert.Equal("13:00:00 (1h ago)", started);
    }

    [Theory]
    [InlineData(-5, "just now")]
    [InlineData(0.5, "just now")]
    [InlineData(42, "42s ago")]
    [InlineData(60, "1m ago")]
    [InlineData(3599, "59m ago")]
    [InlineData(7200, "2h ago")]
    [InlineData(86400 * 3, "3d ago")]
    public void Ago_Elapsed_RoundsDownToTheLargestUnit(double seconds, string expected)
    {
        Assert.Equal(expected, TunnelTable.Ago(TimeSpan.FromSeconds(seconds)));
    }
}

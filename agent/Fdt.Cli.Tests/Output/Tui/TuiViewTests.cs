using Fdt.Cli.Output.Tui;

namespace Fdt.Cli.Tests.Output.Tui;

public sealed class TuiViewTests
{
    private static readonly DateTimeOffset Time = new(2025, 1, 2, 12, 0, 3, TimeSpan.Zero);

    private static TuiSnapshot Online(int requests = 3, string path = "/api/items") => new()
    {
        Status = SessionStatus.Online,
        Account = "dev",
        Version = "0.1.0",
        Latency = TimeSpan.FromMilliseconds(12.4),
        Forwarding = [new ForwardingRow("abc", "http://abc.localhost:8080", "http://localhost:3000")],
        Requests = [.. Enumerable.Range(0, requests).Select(i => new RequestRow(Time, "GET", $"{path}/{i}", 200, "OK", TimeSpan.FromMilliseconds(3.1)))],
    };

    [Fact]
    public void Layout_WideTerminal_ShowsEveryRow()
    {
        var lines = Text(TuiView.Layout(Online(), 100, 40, TimeZoneInfo.Utc));

        Assert.StartsWith("fdt", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("(Ctrl+C to quit)", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, line => line.StartsWith("Session Status", StringComparison.Ordinal) && line.EndsWith("online", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Account", StringComparison.Ordinal) && line.EndsWith("dev", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Version", StringComparison.Ordinal) && line.EndsWith("0.1.0", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Latency", StringComparison.Ordinal) && line.EndsWith("12 ms", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Forwarding", StringComparison.Ordinal) && line.EndsWith("http://abc.localhost:8080 -> http://localhost:3000", StringComparison.Ordinal));
        Assert.Contains("HTTP Requests", lines);
        var request = Assert.Single(lines, line => line.Contains("/api/items/0", StringComparison.Ordinal));
        Assert.Matches(@"^12:00:03\s+GET\s+/api/items/0\s+200 OK\s+3\.1 ms$", request);
    }

    [Fact]
    public void Layout_Inspector_ShowsWebInterfaceRow()
    {
        var lines = Text(TuiView.Layout(Online() with { Inspector = "http://127.0.0.1:4040" }, 100, 40, TimeZoneInfo.Utc));

        Assert.Contains(lines, line => line.StartsWith("Web Interface", StringComparison.Ordinal) && line.EndsWith("http://127.0.0.1:4040", StringComparison.Ordinal));
        Assert.DoesNotContain(Text(TuiView.Layout(Online(), 100, 40, TimeZoneInfo.Utc)), line => line.StartsWith("Web Interface", StringComparison.Ordinal));
    }

    [Fact]
    public void Layout_Requests_NewestFirstAsGiven()
    {
        var lines = Text(TuiView.Layout(Online(), 100, 40, TimeZoneInfo.Utc));

        var paths = lines.Where(line => line.Contains("/api/items/", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, paths.Count);
        Assert.Contains("/api/items/0", paths[0], StringComparison.Ordinal);
        Assert.Contains("/api/items/2", paths[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(120, 50)]
    [InlineData(80, 24)]
    [InlineData(40, 12)]
    [InlineData(20, 6)]
    [InlineData(8, 3)]
    [InlineData(2, 1)]
    public void Layout_AnyTerminalSize_FitsWithoutWrapping(int width, int height)
    {
        var snapshot = Online(requests: 20, path: "/" + new string('p', 300)) with { Message = new string('m', 200), MessageIsWarning = true };

        var lines = Text(TuiView.Layout(snapshot, width, height, TimeZoneInfo.Utc));

        Assert.True(lines.Count <= height, $"{lines.Count} lines for a height of {height}");
        Assert.All(lines, line => Assert.True(line.Length <= width - 1, $"'{line}' is wider than {width - 1}"));
    }

    [Fact]
    public void Layout_LongPath_TruncatedWithEllipsisKeepingStatusAndDuration()
    {
        var lines = Text(TuiView.Layout(Online(requests: 1, path: "/" + new string('p', 300)), 80, 40, TimeZoneInfo.Utc));

        var request = Assert.Single(lines, line => line.Contains("/ppp", StringComparison.Ordinal));
        Assert.Contains("…", request, StringComparison.Ordinal);
        Assert.Contains("200 OK", request, StringComparison.Ordinal);
        Assert.EndsWith("3.1 ms", request, StringComparison.Ordinal);
    }

    [Fact]
    public void Layout_ShortTerminal_DropsOldestRequestsFirst()
    {
        var all = Text(TuiView.Layout(Online(requests: 20), 100, 100, TimeZoneInfo.Utc));
        var shown = Text(TuiView.Layout(Online(requests: 20), 100, all.Count - 5, TimeZoneInfo.Utc));

        Assert.Equal(all.Take(all.Count - 5), shown);
        Assert.Contains(shown, line => line.Contains("/api/items/0", StringComparison.Ordinal));
        Assert.DoesNotContain(shown, line => line.Contains("/api/items/19", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Connecting", 0, "connecting")]
    [InlineData("Online", 0, "online")]
    [InlineData("Reconnecting", 0, "reconnecting")]
    [InlineData("Reconnecting", 3, "reconnecting (attempt 3)")]
    [InlineData("Offline", 0, "offline")]
    public void StatusText_Status_ReadsAsExpected(string status, int attempt, string expected)
    {
        Assert.Equal(expected, TuiView.StatusText(new TuiSnapshot { Status = Enum.Parse<SessionStatus>(status), Attempt = attempt, Version = "0.1.0" }));
    }

    [Fact]
    public void Layout_NotConnectedYet_ShowsDashes()
    {
        var lines = Text(TuiView.Layout(new TuiSnapshot { Version = "0.1.0" }, 80, 24, TimeZoneInfo.Utc));

        Assert.Contains(lines, line => line.StartsWith("Session Status", StringComparison.Ordinal) && line.EndsWith("connecting", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("Latency", StringComparison.Ordinal) && line.EndsWith('-'));
        Assert.Contains(lines, line => line.StartsWith("Forwarding", StringComparison.Ordinal) && line.EndsWith('-'));
    }

    [Fact]
    public void Layout_ControlCharacters_Replaced()
    {
        var snapshot = Online(requests: 0) with { Requests = [new RequestRow(Time, "GET", "/\u001b[2J", 200, "OK", TimeSpan.Zero)] };

        var lines = Text(TuiView.Layout(snapshot, 80, 24, TimeZoneInfo.Utc));

        Assert.DoesNotContain(lines, line => line.Contains('\u001b', StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("/?[2J", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("abcdef", 10, "abcdef")]
    [InlineData("abcdef", 6, "abcdef")]
    [InlineData("abcdef", 4, "abc…")]
    [InlineData("abcdef", 1, "…")]
    [InlineData("abcdef", 0, "")]
    public void Truncate_Width_CutsWithEllipsis(string text, int width, string expected)
    {
        Assert.Equal(expected, TuiView.Truncate(text, width));
    }

    private static List<string> Text(IReadOnlyList<IReadOnlyList<TuiSpan>> lines)
        => [.. lines.Select(static line => string.Concat(line.Select(static span => span.Text)).TrimEnd())];
}

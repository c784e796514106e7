namespace Fdt.Protocol.Tests;

public sealed class TunnelNamesTests
{
    private static readonly IReadOnlyList<string> Reserved = TunnelNames.DefaultReservedWords;

    [Theory]
    [InlineData("myapp", "myapp")]
    [InlineData("MyApp", "myapp")]
    [InlineData("a-b-c", "a-b-c")]
    [InlineData("abc123", "abc123")]
    [InlineData("123", "123")]
    public void TryNormalize_ValidLabel_IsAcceptedLowercase(string requested, string expected)
    {
        Assert.True(TunnelNames.TryNormalize(requested, 3, Reserved, out var name, out var error), error);
        Assert.Equal(expected, name);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("ab", "shorter")]
    [InlineData("-abc", "hyphen")]
    [InlineData("abc-", "hyphen")]
    [InlineData("a.b.c", "'.'")]
    [InlineData("my_app", "'_'")]
    [InlineData("xn--abc", "reserved for internationalised")]
    [InlineData("www", "reserved")]
    [InlineData("ADMIN", "reserved")]
    public void TryNormalize_Invalid_ExplainsWhy(string requested, string reason)
    {
        Assert.False(TunnelNames.TryNormalize(requested, 3, Reserved, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryNormalize_TooLong_IsRefused()
    {
        Assert.False(TunnelNames.TryNormalize(new string('a', 64), 3, Reserved, out _, out var error));
        Assert.Contains("63", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_ShortLowercaseUnambiguousAndValid()
    {
        var names = Enumerable.Range(0, 2000).Select(_ => TunnelNames.Generate()).ToList();
        Assert.All(names, name =>
        {
            Assert.Equal(TunnelNames.RandomNameLength, name.Length);
            Assert.Matches("^[a-z][a-z2-9]+$", name);
            Assert.DoesNotMatch("[ilo01]", name);
            Assert.True(TunnelNames.TryNormalize(name, 3, [], out _, out _));
        });
        Assert.Equal(names.Count, names.Distinct().Count());
    }
}

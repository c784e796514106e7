using Fdt.Cli.Configuration;

namespace Fdt.Cli.Tests.Configuration;

public sealed class SecretsTests
{
    [Fact]
    public void Mask_LongSecret_ShowsFirstEightCharactersThenEllipsis()
    {
        Assert.Equal("fdt_abcd…", Secrets.Mask("fdt_abcdefghijklmnop"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("abcd")]
    [InlineData("abcdefgh")]
    [InlineData("abcdefghi")]
    public void Mask_AnySecret_NeverShowsAllOfIt(string secret)
    {
        var masked = Secrets.Mask(secret);

        Assert.EndsWith("…", masked, StringComparison.Ordinal);
        Assert.True(secret.Length == 0 || !masked.Contains(secret, StringComparison.Ordinal));
    }
}

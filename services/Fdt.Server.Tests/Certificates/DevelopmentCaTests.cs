using System.Security.Cryptography.X509Certificates;
using Fdt.Server.Certificates;

namespace Fdt.Server.Tests.Certificates;

public sealed class DevelopmentCaTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"fdt-ca-{Guid.NewGuid():N}");

    [Fact]
    public void FirstUse_CreatesThePrivateKeyForTheOwnerOnly_AndLaterUsesTheSameAuthority()
    {
        string thumbprint;
        using (var created = DevelopmentCa.LoadOrCreate(_directory, "localhost"))
        {
            thumbprint = created.Authority.Thumbprint;
        }

        using var loaded = DevelopmentCa.LoadOrCreate(_directory, "localhost");

        Assert.Equal(thumbprint, loaded.Authority.Thumbprint);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, DevelopmentCa.KeyFile)));
        Assert.Equal(loaded.ExportPem().Trim(), File.ReadAllText(Path.Combine(_directory, DevelopmentCa.CertificateFile)).Trim());
    }

    [Fact]
    public void DottedBaseDomain_OneWildcardCoversTheBaseAndEveryTunnel()
    {
        using var ca = DevelopmentCa.LoadOrCreate(_directory, "tunnels.example.test");

        var tunnel = ca.Select("myapp.tunnels.example.test");

        Assert.Same(tunnel, ca.Select("other.tunnels.example.test"));
        Assert.Same(tunnel, ca.Select("tunnels.example.test"));
        Assert.Equal(["tunnels.example.test", "*.tunnels.example.test"], DnsNames(tunnel));
        AssertChainsTo(ca, tunnel);
    }

    [Fact]
    public void SingleLabelBaseDomain_EachNameGetsItsOwnCertificate()
    {
        using var ca = DevelopmentCa.LoadOrCreate(_directory, "localhost");

        var first = ca.Select("myapp.localhost");

        Assert.Equal(["myapp.localhost"], DnsNames(first));
        Assert.Same(first, ca.Select("MYAPP.localhost."));
        Assert.Equal(["other.localhost"], DnsNames(ca.Select("other.localhost")));
        AssertChainsTo(ca, first);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("evil.example.com")]
    [InlineData("localhost.evil.com")]
    public void NamesOutsideTheBaseDomain_GetTheBaseDomainsCertificate(string? serverName)
    {
        using var ca = DevelopmentCa.LoadOrCreate(_directory, "localhost");

        Assert.Equal(["localhost"], DnsNames(ca.Select(serverName)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string[] DnsNames(X509Certificate2 certificate)
        => [.. certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames()];

    private static void AssertChainsTo(DevelopmentCa ca, X509Certificate2 leaf)
    {
        Assert.True(leaf.HasPrivateKey);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(leaf), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }
}

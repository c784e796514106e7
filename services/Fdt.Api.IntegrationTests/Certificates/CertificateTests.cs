using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fdt.Api.Certificates;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Api.Security;
using Fdt.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Fdt.Api.IntegrationTests.Certificates;

public sealed class CertificateTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upload_StoresTheKeyEncryptedAndListsNoSecret()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var operatorUser = await Seed.UserAsync(factory, "ops@example.com", isOperator: true);
        var (certificate, key, der) = Create("app.example.test");

        using var upload = await operatorUser.Client.PutAsJsonAsync("/v1/certificates/App.Example.Test", new { certificate, privateKey = key }, Cancel);

        var view = await IdentityApi.ReadAsync<CertificatesEndpoints.CertificateView>(upload);
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Equal("app.example.test", view.Domain);
        var listed = await operatorUser.Client.GetStringAsync("/v1/certificates", Cancel);
        Assert.Contains(view.Thumbprint, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", listed, StringComparison.Ordinal);
        var stored = await IdentityApi.DbAsync(factory, db => db.Certificates.SingleAsync(Cancel));
        Assert.Equal(-1, stored.EncryptedKey.AsSpan().IndexOf(der.AsSpan(der.Length - 32)));
        var protector = factory.Services.GetRequiredService<CertificateKeyProtector>();
        Assert.Equal(der, protector.Unprotect(stored.EncryptedKey, "app.example.test"));
        Assert.Single(await IdentityApi.AuditedAsync(factory, "certificate.upload"));
    }

    [Fact]
    public async Task StoredKey_DoesNotDecryptWhenAlteredOrMovedToAnotherDomain()
    {
        await using var factory = IdentityApi.CreateFactory();
        var protector = factory.Services.GetRequiredService<CertificateKeyProtector>();
        var sealedKey = protector.Protect([1, 2, 3, 4], "app.example.test");

        Assert.Equal([1, 2, 3, 4], protector.Unprotect(sealedKey, "app.example.test"));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(sealedKey, "other.example.test"));
        sealedKey[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(sealedKey, "app.example.test"));
    }

    [Fact]
    public async Task Wildcard_CoversOneLabelAndReplacesAndDeletes()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var operatorUser = await Seed.UserAsync(factory, "ops@example.com", isOperator: true);
        var (first, firstKey, _) = Create("*.example.test");
        var (second, secondKey, _) = Create("*.example.test");

        using var created = await operatorUser.Client.PutAsJsonAsync("/v1/certificates/*.example.test", new { certificate = first, privateKey = firstKey }, Cancel);
        using var replaced = await operatorUser.Client.PutAsJsonAsync("/v1/certificates/*.example.test", new { certificate = second, privateKey = secondKey }, Cancel);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var view = await IdentityApi.ReadAsync<CertificatesEndpoints.CertificateView>(replaced);
        Assert.Equal(view.Thumbprint, (await IdentityApi.DbAsync(factory, db => db.Certificates.SingleAsync(Cancel))).Thumbprint);
        using var deleted = await operatorUser.Client.DeleteAsync("/v1/certificates/*.example.test", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var again = await operatorUser.Client.DeleteAsync("/v1/certificates/*.example.test", Cancel);
        await IdentityApi.ProblemAsync(again, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BadUploads_AreValidationProblemsAndStoreNothing()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var operatorUser = await Seed.UserAsync(factory, "ops@example.com", isOperator: true);
        var (certificate, key, _) = Create("app.example.test");
        var (_, otherKey, _) = Create("app.example.test");
        var (expired, expiredKey, _) = Create("app.example.test", DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        (string Domain, object Body, string Field)[] cases =
        [
            ("other.example.test", new { certificate, privateKey = key }, "certificate"),
            ("app.example.test", new { certificate, privateKey = otherKey }, "privateKey"),
            ("app.example.test", new { certificate = expired, privateKey = expiredKey }, "certificate"),
            ("app.example.test", new { certificate = "not a certificate", privateKey = key }, "privateKey"),
            ("app.example.test", new { certificate = new string('A', CertificatesEndpoints.MaxCertificatePemLength + 1), privateKey = key }, "certificate"),
            ("app.example.test", new { certificate }, "privateKey"),
            ("localhost", new { certificate, privateKey = key }, "domain"),
            ("bad_name.example.test", new { certificate, privateKey = key }, "domain"),
        ];

        foreach (var (domain, body, field) in cases)
        {
            using var response = await operatorUser.Client.PutAsJsonAsync($"/v1/certificates/{domain}", body, Cancel);
            await IdentityApi.ValidationProblemAsync(response, field);
        }

        Assert.Empty(await IdentityApi.DbAsync(factory, db => db.Certificates.ToListAsync(Cancel)));
    }

    [Fact]
    public async Task OnlyOperators_ManageCertificates()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var owner = await Seed.UserAsync(factory, "owner@example.com");
        using var anonymous = factory.CreateClient();
        var (certificate, key, _) = Create("app.example.test");

        using var byOwner = await owner.Client.PutAsJsonAsync("/v1/certificates/app.example.test", new { certificate, privateKey = key }, Cancel);
        using var list = await owner.Client.GetAsync("/v1/certificates", Cancel);
        using var byAnonymous = await anonymous.PutAsJsonAsync("/v1/certificates/app.example.test", new { certificate, privateKey = key }, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, byOwner.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, byAnonymous.StatusCode);
        Assert.Empty(await IdentityApi.DbAsync(factory, db => db.Certificates.ToListAsync(Cancel)));
    }

    /// <summary>A self-signed certificate for <paramref name="name"/>: PEM, key PEM and key PKCS#8.</summary>
    private static (string Certificate, string Key, byte[] Pkcs8) Create(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var certificate = TestCertificates.SelfSigned(name, notBefore, notAfter);
        using var key = certificate.GetECDsaPrivateKey()!;
        return (certificate.ExportCertificatePem(), TestCertificates.PrivateKeyPem(certificate), key.ExportPkcs8PrivateKey());
    }
}

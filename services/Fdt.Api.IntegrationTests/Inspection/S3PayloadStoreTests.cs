using System.Net.Http.Json;
using Fdt.Api.Inspection;
using Fdt.Api.IntegrationTests.Infrastructure;
using Fdt.Testing;

namespace Fdt.Api.IntegrationTests.Inspection;

/// <summary>The inspector's S3 store against a real S3-compatible server (s3rver).</summary>
public sealed class S3PayloadStoreTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Store_PutsGetsAndDeletesObjects()
    {
        await using var s3 = await S3rverServer.StartAsync(cancellationToken: Cancel);
        using var store = new S3PayloadStore(Options(s3));
        var key = PayloadKeys.For(Guid.NewGuid(), DateTime.UtcNow, Guid.NewGuid(), request: true);
        var content = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();

        await store.PutAsync(key, content, Cancel);

        Assert.Equal(content, await store.GetAsync(key, Cancel));
        await store.DeleteAsync([key], Cancel);
        Assert.Null(await store.GetAsync(key, Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("../escape", content, Cancel));
    }

    [Fact]
    public async Task Inspector_OnS3_StoresAndServesBodies()
    {
        await using var s3 = await S3rverServer.StartAsync(cancellationToken: Cancel);
        await using var factory = IdentityApi.CreateFactory(
            ("Inspection:Store", "s3"), ("Inspection:S3:ServiceUrl", s3.ServiceUrl), ("Inspection:S3:Bucket", s3.Bucket),
            ("Inspection:S3:AccessKey", S3rverServer.AccessKey), ("Inspection:S3:SecretKey", S3rverServer.SecretKey), ("Inspection:S3:Prefix", "fdt/"));
        using var owner = await Seed.UserAsync(factory, "owner@example.com");

        var id = await Captures.SubmitAsync(factory, owner.TeamId, requestBody: """{"on":"s3"}""");

        var detail = await owner.Client.GetFromJsonAsync<RequestsEndpoints.RequestDetail>($"/v1/requests/{id}", IdentityApi.Json, Cancel);
        Assert.Equal("{\n  \"on\": \"s3\"\n}", detail!.RequestBody.Text);
        Assert.NotEmpty(Directory.GetFileSystemEntries(s3.BucketDirectory, "*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(factory.DataDirectory, "payloads")));
    }

    private static InspectionOptions.S3Options Options(S3rverServer s3) => new()
    {
        ServiceUrl = s3.ServiceUrl,
        Bucket = s3.Bucket,
        AccessKey = S3rverServer.AccessKey,
        SecretKey = S3rverServer.SecretKey,
    };
}

using System.Net;
using System.Net.Http.Json;
using Fdt.Api.Auth;
using Fdt.Api.IntegrationTests.Infrastructure;

namespace Fdt.Api.IntegrationTests.Auth;

public sealed class ProfileTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UpdateMe_ChangesTheNameAndAuditsIt_InvalidNamesAreRefused()
    {
        await using var factory = IdentityApi.CreateFactory();
        using var ada = await Seed.UserAsync(factory, "ada@example.com");

        using (var renamed = await ada.Client.PatchAsJsonAsync("/v1/auth/me", new { displayName = "Ada Lovelace" }, Cancel))
        {
            Assert.Equal("Ada Lovelace", (await IdentityApi.ReadAsync<MeResponse>(renamed)).DisplayName);
        }

        var me = await ada.Client.GetFromJsonAsync<MeResponse>("/v1/auth/me", IdentityApi.Json, Cancel);
        Assert.Equal("Ada Lovelace", me!.DisplayName);
        var audit = Assert.Single(await IdentityApi.AuditedAsync(factory, "user.profile"));
        Assert.Equal(ada.User.Id, audit.ActorUserId);

        using var empty = await ada.Client.PatchAsJsonAsync("/v1/auth/me", new { displayName = "  " }, Cancel);
        await IdentityApi.ValidationProblemAsync(empty, "displayName");
        using var anonymous = factory.CreateClient();
        using var refused = await anonymous.PatchAsJsonAsync("/v1/auth/me", new { displayName = "x" }, Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}

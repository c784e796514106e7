using Fdt.Edge.Auth;

namespace Fdt.Server.Hosting;

/// <summary>The development authtoken of an edge without the api role, created on first use.</summary>
internal sealed class DevAuthtokenProvider(IConfiguration configuration)
{
    private readonly Lazy<(string Token, bool Created)> _token = new(() => DevAuthtoken.LoadOrCreate(
        configuration["Server:DataDirectory"] ?? throw new InvalidOperationException("Server:DataDirectory is not set."),
        configuration["Server:DevAuthtoken"]));

    public string Token => _token.Value.Token;

    public bool Created => _token.Value.Created;

    public IAgentAuthenticator CreateAuthenticator() => new StaticTokenAgentAuthenticator(Token);
}

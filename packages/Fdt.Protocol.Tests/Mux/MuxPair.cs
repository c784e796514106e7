using Fdt.Protocol.Mux;
using Fdt.Testing;

namespace Fdt.Protocol.Tests.Mux;

/// <summary>A client and a server session connected in memory.</summary>
internal sealed class MuxPair : IAsyncDisposable
{
    private MuxPair(MuxSession client, MuxSession server, DuplexPipeStream clientTransport, DuplexPipeStream serverTransport)
    {
        Client = client;
        Server = server;
        ClientTransport = clientTransport;
        ServerTransport = serverTransport;
    }

    public MuxSession Client { get; }

    public MuxSession Server { get; }

    public DuplexPipeStream ClientTransport { get; }

    public DuplexPipeStream ServerTransport { get; }

    public static MuxPair Create(MuxOptions? clientOptions = null, MuxOptions? serverOptions = null, long transportCapacity = 1024 * 1024)
    {
        var (a, b) = DuplexPipeStream.CreatePair(transportCapacity);
        return new MuxPair(MuxSession.StartClient(a, clientOptions), MuxSession.StartServer(b, serverOptions), a, b);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.CloseAsync();
        await Server.CloseAsync();
    }
}

namespace Fdt.Agent.Inspection.Web;

internal sealed record WebSocketView(long MessagesFromClient, long MessagesFromServer, bool Closed);

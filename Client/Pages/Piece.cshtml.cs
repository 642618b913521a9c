using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Library;

namespace MusicCluster.Client.Pages;

public sealed class PieceModel(LibraryService library, IConfiguration configuration) : PageModel
{
    public PieceDetails Piece { get; private set; } = null!;

    /// <summary>The audio limit (MusicCluster:Limits:MaxWavSeconds, read as the silos read it), to say at once when a piece
    /// is too long for audio instead of offering a player that would get a 422.</summary>
    public RenderLimits Renders { get; } = RenderLimits.From(configuration);

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (!PieceIds.IsValid(id)) return NotFound();
        PieceDetails? piece = await library.GetAsync(id);
        if (piece is null) return NotFound();
        Piece = piece;
        return Page();
    }
}

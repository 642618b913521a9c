using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Library;

namespace MusicCluster.Client.Pages;

public sealed class PieceModel(LibraryService library) : PageModel
{
    public PieceDetails Piece { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (!PieceIds.IsValid(id)) return NotFound();
        PieceDetails? piece = await library.GetAsync(id);
        if (piece is null) return NotFound();
        Piece = piece;
        return Page();
    }
}

// Browser downloads of what the page made (CSV text, chart images): a temporary link with a file
// name. Electron shows its save dialog for the same link.

function clickLink(href: string, fileName: string): void {
  const a = document.createElement('a')
  a.href = href
  a.download = fileName
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  clickLink(url, fileName)
  // The click has started the download by the next task; the URL may go then.
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

export function downloadDataUrl(fileName: string, dataUrl: string): void {
  clickLink(dataUrl, fileName)
}

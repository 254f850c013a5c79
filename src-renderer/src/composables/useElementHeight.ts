// The height of a scrolling element, kept current as it resizes: virtual lists draw only the rows
// that fit. An element that is not laid out yet (height 0) keeps the fallback, or the last height.
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

export function useElementHeight(element: Ref<HTMLElement | null>, fallbackPx: number): Ref<number> {
  const height = ref(fallbackPx)
  let observer: ResizeObserver | null = null
  onMounted(() => {
    const el = element.value
    if (!el) return
    height.value = el.clientHeight || fallbackPx
    if (typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(() => (height.value = el.clientHeight || height.value))
      observer.observe(el)
    }
  })
  onBeforeUnmount(() => observer?.disconnect())
  return height
}

// Search by example: the region asked about, the answer, and the label decisions on hits are made
// for (the region's annotation label when the search came from one).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { SearchRequest, SearchResponse } from '../../../src-shared/contracts'
import { api } from '../api'
import { useTrainingReviewStore } from './training-review'

export const useSearchStore = defineStore('search', () => {
  const request = ref<SearchRequest | null>(null)
  const response = ref<SearchResponse | null>(null)
  const labelId = ref<number | null>(null)
  const searching = ref(false)
  let controller: AbortController | null = null

  async function run(req: SearchRequest): Promise<SearchResponse | null> {
    controller?.abort()
    const mine = new AbortController()
    controller = mine
    searching.value = true
    request.value = req
    try {
      const r = await api.search.query(req, { signal: mine.signal })
      if (controller !== mine) return null
      response.value = r
      useTrainingReviewStore().show(r.hits)
      return r
    } finally {
      if (controller === mine) {
        searching.value = false
        controller = null
      }
    }
  }

  function reset(): void {
    controller?.abort()
    controller = null
    request.value = null
    response.value = null
    labelId.value = null
    searching.value = false
  }

  return { request, response, labelId, searching, run, reset }
})

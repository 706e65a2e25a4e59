// Inter (SIL Open Font License), bundled with the app: the weights the stylesheet uses.
import '@fontsource/inter/400.css'
import '@fontsource/inter/600.css'
import '@fontsource/inter/700.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { defaultBridge } from './lib/bridge'
import { applyTheme } from './lib/theme'
import './styles.css'

applyTheme()
const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App bridge={defaultBridge()} />
    </StrictMode>,
  )
}
